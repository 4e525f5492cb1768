"""The Pelican plugin: every page of the site, from the same in-memory venues.

Takes the venues from the check stage and the downloads from the publish stage. Hands
Pelican the venue, home, territory, statistics, data and other pages, the map data, the
feed and the sitemap.
"""
