-- Schema version 8: analysis results kept in the registry (landreg.results).  One row per live plot and
-- scoring profile: the plot version and enrichment time it was computed from, the score and its
-- breakdown (JSON text), and what effective supply needs; per profile, the change marks the rows are
-- current for and the whole-registry inputs of the scores.  Derived data: rebuilt from the plots at will.
CREATE TABLE analysis_results (
    profile text NOT NULL,
    plot_id text NOT NULL,
    plot_version integer NOT NULL,
    enrichment_at text,
    code text,
    municipality_no text,
    municipality_name text,
    business_area_id text,
    status text,
    readiness text,
    area_daa double precision,
    score double precision,
    excluded integer,
    synergy_score double precision,
    has_firms integer,
    routed_mask bigint,
    block_id bigint,
    block_area_daa double precision,
    effective_daa double precision,
    breakdown text,
    PRIMARY KEY (profile, plot_id)
);
CREATE INDEX idx_analysis_results_block ON analysis_results (profile, block_id);
-- covers the supply sums (an index-only scan, not the rows with their breakdowns)
CREATE INDEX idx_analysis_results_supply ON analysis_results
    (profile, municipality_no, business_area_id, status, area_daa, score, effective_daa, municipality_name);
-- finds the enrichment rows written since a time without reading the others
CREATE INDEX idx_plot_enrichment_computed_at ON plot_enrichment (computed_at);
COMMENT ON TABLE analysis_results IS 'Scores with breakdowns and supply inputs per plot and profile (landreg.results)';

CREATE TABLE analysis_results_state (
    profile text PRIMARY KEY,
    state text NOT NULL
);
COMMENT ON TABLE analysis_results_state IS 'Per profile: the registry change marks the stored results are current for';
