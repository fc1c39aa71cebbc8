-- Schema version 5: plots and their history change only through landreg, so that every change is a
-- version with who, when and what.  A statement on plots or plot_versions from elsewhere (QGIS, psql)
-- is refused with a message saying so; landreg marks its own write transactions
-- (set_config('landreg.writer', 'on', true)).  Views for reading, e.g. in QGIS.
CREATE FUNCTION landreg_refuse_direct_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('landreg.writer', true), '') <> 'on' THEN
        RAISE EXCEPTION 'the table %.% is changed through landreg only (the landreg command line or HTTP API), '
            'so that every change is kept in the history; read it here, edit it there', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER plots_through_landreg_only
    BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON plots
    FOR EACH STATEMENT EXECUTE FUNCTION landreg_refuse_direct_write();
CREATE TRIGGER plot_versions_through_landreg_only
    BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON plot_versions
    FOR EACH STATEMENT EXECUTE FUNCTION landreg_refuse_direct_write();

CREATE VIEW live_plots AS SELECT * FROM plots WHERE valid_to IS NULL;
COMMENT ON VIEW live_plots IS 'Plots valid now (read only; edit through landreg)';
CREATE VIEW plot_history AS
    SELECT fid, geom, plot_id, code, version, name, municipality_no, status, op, actor, recorded_at,
           superseded_at, changed_fields, "before", "after", note
    FROM plot_versions;
COMMENT ON VIEW plot_history IS 'Every version of every plot: who changed what and when (read only)';
