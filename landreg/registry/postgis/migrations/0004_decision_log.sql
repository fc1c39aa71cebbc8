-- Schema version 4: the log of decisions taken (state before and after, each plot's statuses).
CREATE TABLE decision_log (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    decision_id text NOT NULL,
    recorded_at timestamptz NOT NULL,
    actor text NOT NULL,
    status_before text NOT NULL,
    outcome_before text,
    status text NOT NULL,
    outcome text,
    decided_on date,
    note text,
    plots jsonb NOT NULL
);
COMMENT ON TABLE decision_log IS 'Decisions taken: state before and after, plot statuses';
CREATE INDEX decision_log_decision_idx ON decision_log (decision_id, fid);
