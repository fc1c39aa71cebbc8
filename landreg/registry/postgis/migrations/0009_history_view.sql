-- Schema version 9: the plot_history view shows every version whole.  Since schema version 6 a
-- history row may be a change record (base_version set: the changed values in "after", the geometry
-- only when it moved); the view fills its name and geometry from the versions before it, back to
-- the snapshot it builds on, so QGIS draws and labels every version.
CREATE OR REPLACE VIEW plot_history AS
    SELECT v.fid,
           (CASE WHEN v.base_version IS NULL OR v.geom IS NOT NULL THEN v.geom
                 ELSE (SELECT r.geom FROM plot_versions AS r
                       WHERE r.plot_id = v.plot_id AND r.version >= v.base_version AND r.version < v.version
                             AND r.geom IS NOT NULL
                       ORDER BY r.version DESC LIMIT 1) END)::geometry(MultiPolygon, 25832) AS geom,
           v.plot_id, v.code, v.version,
           (CASE WHEN v.base_version IS NULL THEN v.name
                 ELSE (SELECT CASE WHEN r.version = v.base_version THEN r.name ELSE r."after" ->> 'name' END
                       FROM plot_versions AS r
                       WHERE r.plot_id = v.plot_id AND r.version >= v.base_version AND r.version <= v.version
                             AND (r.version = v.base_version OR r."after" ? 'name')
                       ORDER BY r.version DESC LIMIT 1) END) AS name,
           v.municipality_no, v.status, v.op, v.actor, v.recorded_at, v.superseded_at, v.changed_fields,
           v."before", v."after", v.note
    FROM plot_versions AS v;
COMMENT ON VIEW plot_history IS 'Every version of every plot, whole: who changed what and when (read only)';
