-- Schema version 3: derived attributes per plot (landreg enrich).  The derived values live in one
-- jsonb object per plot, and their names and types in plot_enrichment_columns, so a new derived
-- attribute is a new row there, never a change to the tables.
CREATE TABLE plot_enrichment (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plot_id text NOT NULL UNIQUE REFERENCES plots (plot_id),
    plot_version integer NOT NULL,
    computed_at timestamptz NOT NULL,
    layer_versions text NOT NULL,
    derived jsonb NOT NULL DEFAULT '{}'::jsonb
);
COMMENT ON TABLE plot_enrichment IS 'Derived attributes per plot: road access, terrain, hazards (landreg enrich)';

CREATE TABLE plot_enrichment_columns (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9_]{0,62}$'),
    sql_type text NOT NULL CHECK (sql_type IN ('REAL', 'INTEGER', 'BOOLEAN', 'TEXT'))
);
COMMENT ON TABLE plot_enrichment_columns IS 'Names and types of the derived attributes in plot_enrichment.derived';
