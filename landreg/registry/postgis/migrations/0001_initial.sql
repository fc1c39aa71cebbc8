-- landreg registry on PostGIS, schema version 1: plots, their history, prices, business areas,
-- decisions and road projects.  Geometry in EPSG:25832 with GiST indexes.  Runs inside the
-- registry's schema (search_path = <schema>, public); PostGIS lives in public.

CREATE TABLE plots (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    geom geometry(MultiPolygon, 25832) NOT NULL,
    plot_id text NOT NULL UNIQUE,
    code text NOT NULL,
    version integer NOT NULL CHECK (version >= 1),
    area_m2 double precision,
    name text,
    municipality_no text NOT NULL,
    municipality_name text,
    business_area_id text,
    status text NOT NULL,
    available_from date,
    availability_note text,
    decision_id text,
    zoning text,
    plan_status text,
    plan_id text,
    readiness text,
    price_min_nok_m2 double precision,
    price_max_nok_m2 double precision,
    price_basis text,
    connection_fees_included boolean,
    owner_type text,
    utilities jsonb,
    requires_new_road boolean,
    occupants jsonb,
    provenance jsonb,
    last_verified date,
    valid_from timestamptz,
    previously_part_of jsonb,
    valid_to timestamptz,
    updated_at timestamptz,
    updated_by text
);
COMMENT ON TABLE plots IS 'Plots of business land (current state, live and ended)';
-- A code names one live plot: the database refuses a second, whatever the writer.
CREATE UNIQUE INDEX plots_live_code_key ON plots (code) WHERE valid_to IS NULL;
CREATE INDEX plots_geom_idx ON plots USING gist (geom);
CREATE INDEX plots_municipality_no_idx ON plots (municipality_no);
CREATE INDEX plots_status_idx ON plots (status);
CREATE INDEX plots_business_area_id_idx ON plots (business_area_id);
CREATE INDEX plots_valid_to_idx ON plots (valid_to);

CREATE TABLE plot_versions (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    geom geometry(MultiPolygon, 25832) NOT NULL,
    plot_id text NOT NULL,
    code text NOT NULL,
    version integer NOT NULL CHECK (version >= 1),
    area_m2 double precision,
    name text,
    municipality_no text NOT NULL,
    municipality_name text,
    business_area_id text,
    status text NOT NULL,
    available_from date,
    availability_note text,
    decision_id text,
    zoning text,
    plan_status text,
    plan_id text,
    readiness text,
    price_min_nok_m2 double precision,
    price_max_nok_m2 double precision,
    price_basis text,
    connection_fees_included boolean,
    owner_type text,
    utilities jsonb,
    requires_new_road boolean,
    occupants jsonb,
    provenance jsonb,
    last_verified date,
    valid_from timestamptz,
    previously_part_of jsonb,
    valid_to timestamptz,
    updated_at timestamptz,
    updated_by text,
    op text NOT NULL,
    actor text NOT NULL,
    recorded_at timestamptz NOT NULL,
    superseded_at timestamptz,
    changed_fields jsonb NOT NULL,
    "before" jsonb,
    "after" jsonb,
    note text,
    UNIQUE (plot_id, version)
);
COMMENT ON TABLE plot_versions IS 'Every version of every plot, with who changed what and when';
CREATE INDEX plot_versions_geom_idx ON plot_versions USING gist (geom);
CREATE INDEX plot_versions_recorded_at_idx ON plot_versions (recorded_at);
CREATE INDEX plot_versions_superseded_at_idx ON plot_versions (superseded_at);

CREATE TABLE plot_prices (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plot_id text NOT NULL,
    observed_on date NOT NULL,
    kind text NOT NULL,
    price_nok_m2 double precision NOT NULL,
    basis text NOT NULL,
    connection_fees_included boolean,
    source text NOT NULL,
    recorded_at timestamptz NOT NULL,
    recorded_by text NOT NULL
);
COMMENT ON TABLE plot_prices IS 'Dated asking and transaction prices';
CREATE INDEX plot_prices_plot_idx ON plot_prices (plot_id, observed_on);

CREATE TABLE business_areas (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    geom geometry(MultiPolygon, 25832),
    area_id text NOT NULL UNIQUE,
    name text NOT NULL,
    municipality_no text NOT NULL,
    area_type text NOT NULL,
    strategic_note text,
    nuisance_class text,
    occupants jsonb,
    anchor text,
    provenance jsonb
);
COMMENT ON TABLE business_areas IS 'Business areas (næringsområder) and clusters';
CREATE INDEX business_areas_geom_idx ON business_areas USING gist (geom);

CREATE TABLE decisions (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    decision_id text NOT NULL UNIQUE,
    title text NOT NULL,
    status text NOT NULL,
    expected_date date,
    description text,
    outcomes jsonb,
    provenance jsonb,
    outcome text,
    decided_on date
);
COMMENT ON TABLE decisions IS 'Pending decisions that lock land';

CREATE TABLE road_projects (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    geom geometry(MultiLineString, 25832),
    project_id text NOT NULL UNIQUE,
    name text NOT NULL,
    status text NOT NULL,
    speed_kmh double precision NOT NULL,
    expected_year integer,
    description text,
    provenance jsonb
);
COMMENT ON TABLE road_projects IS 'Planned road projects';
CREATE INDEX road_projects_geom_idx ON road_projects USING gist (geom);
