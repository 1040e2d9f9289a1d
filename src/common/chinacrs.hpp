#pragma once
// The Chinese web-map datums: GCJ-02 (Amap/Tencent, the state-mandated obfuscation of
// WGS 84) and BD-09 (Baidu, a further offset of GCJ-02). All values are degrees.
// Inverses are iterated to 1e-9 degrees, so round trips are sub-millimetre.

namespace lc::chinacrs {

struct LonLat {
    double lon, lat;
};

/// The conventional rough bounding box; outside it GCJ-02 is taken equal to WGS 84.
bool in_china(LonLat p);

LonLat wgs84_to_gcj02(LonLat p);
LonLat gcj02_to_wgs84(LonLat p);
LonLat gcj02_to_bd09(LonLat p);
LonLat bd09_to_gcj02(LonLat p);
LonLat wgs84_to_bd09(LonLat p);
LonLat bd09_to_wgs84(LonLat p);

}  // namespace lc::chinacrs
