-- GridGov: each district's extent (the bounding box of every boundary in it), kept by the district's index grain,
-- so that routing a point to its district reads a row per district instead of aggregating every node.
CREATE TABLE IF NOT EXISTS gridgov_district_extents (
    district  text PRIMARY KEY,
    min_lon   double precision NOT NULL,
    min_lat   double precision NOT NULL,
    max_lon   double precision NOT NULL,
    max_lat   double precision NOT NULL
);

INSERT INTO gridgov_district_extents (district, min_lon, min_lat, max_lon, max_lat)
SELECT district, MIN(min_lon), MIN(min_lat), MAX(max_lon), MAX(max_lat)
FROM gridgov_territory_index WHERE boundary IS NOT NULL GROUP BY district
ON CONFLICT (district) DO NOTHING;
