-- GridGov: the service points of the 15-minute service circle as rows (docs/resources.md). Each point's grain is the
-- source of truth and rewrites its row after every change; the near query reads a bounding box on (district, lat, lon)
-- here and measures the exact distance of what it finds.
CREATE TABLE IF NOT EXISTS gridgov_service_points (
    id        text PRIMARY KEY,
    district  text NOT NULL,
    kind      text NOT NULL,
    lat       double precision NOT NULL,
    lon       double precision NOT NULL,
    version   bigint NOT NULL,
    snapshot  text NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_service_points_box ON gridgov_service_points (district, lat, lon);
CREATE INDEX IF NOT EXISTS ix_gridgov_service_points_kind ON gridgov_service_points (district, kind, id);
