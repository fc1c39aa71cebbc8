-- Schema version 10: the south-west corner of every plot's bounding box (EPSG:25832 metres) is
-- stored beside its outline, kept by PostgreSQL on every insert and update of the geometry
-- (generated columns), with a partial B-tree index on the live plots' corners.  Vector tiles at low
-- zooms count the live plots per grid cell by these corners (landreg.tiles.aggregate): the index
-- holds every value the count needs, so it is an index-only scan that never reads the plots' rows.
-- The leading key is the 64 m row band of the corner, so a tile's window is one short range per
-- band instead of every plot in the window's column of the map.
ALTER TABLE plots
    ADD COLUMN sw_x_m double precision GENERATED ALWAYS AS (ST_XMin(geom)) STORED,
    ADD COLUMN sw_y_m double precision GENERATED ALWAYS AS (ST_YMin(geom)) STORED;
COMMENT ON COLUMN plots.sw_x_m IS 'West edge of the plot''s bounding box, m (EPSG:25832), kept from geom';
COMMENT ON COLUMN plots.sw_y_m IS 'South edge of the plot''s bounding box, m (EPSG:25832), kept from geom';
CREATE INDEX plots_live_corner_idx ON plots ((floor(sw_y_m / 64)::integer), sw_x_m, sw_y_m)
    WHERE valid_to IS NULL;
