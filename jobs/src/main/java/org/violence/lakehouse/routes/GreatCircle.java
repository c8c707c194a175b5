package org.violence.lakehouse.routes;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;

/**
 * Great-circle distance on a sphere of the Earth's mean radius (haversine). Against the
 * ellipsoidal distances in municipality-heads.csv it differs by well under 1%, far below the
 * error of measuring between municipal seats.
 */
final class GreatCircle {
  /** IUGG mean Earth radius. */
  static final double EARTH_RADIUS_KM = 6371.0088;

  private GreatCircle() {}

  static Column km(Column lon1, Column lat1, Column lon2, Column lat2) {
    Column dLat = radians(lat2.minus(lat1));
    Column dLon = radians(lon2.minus(lon1));
    Column h = pow(sin(dLat.divide(2)), 2).plus(cos(radians(lat1)).multiply(cos(radians(lat2)))
        .multiply(pow(sin(dLon.divide(2)), 2)));
    return asin(sqrt(least(h, lit(1.0)))).multiply(2 * EARTH_RADIUS_KM);
  }
}
