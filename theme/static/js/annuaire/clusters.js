/* The venues' markers, grouped in clusters by Supercluster (a classic script loaded before
   the modules, so `Supercluster` is a global, like `L`). Leaflet.markercluster, used before,
   builds its tree of clusters in chunks, yielding between them, so that thousands of
   markers took most of the time to a drawn map; Supercluster indexes them in one go, in a
   fraction of that time, and only the clusters and markers around the view are drawn,
   again after each move.

   The layer keeps the part of markercluster's interface the directory (and its tests) use:
   addLayers, clearLayers, getLayers, getBounds, zoomToShowLayer; the same cluster bubbles
   (`.marker-cluster` with their count in a span) and the same clicks: a cluster zooms in
   until it splits; the venues of a cluster at the map's last zoom level, or at the same
   place (which no zoom separates), spread out around it, on legs. */

var RADIUS = 50;  // pixels, as markercluster's maxClusterRadius
/* Up to this zoom level (a département fills the screen), clusters come from a first index
   that starts there: it takes a third of the time of one down to the last zoom level at
   20,000 venues (half at 3,500), which is made when a view needs it or the browser is idle. */
var QUICK_MAX = 10;
var LEG = { color: "#222", weight: 1.5, opacity: 0.5, interactive: false };

/* Markercluster's default bubble: its colour and size say how many venues it holds. */
function bubble(count) {
  var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
  return L.divIcon({ html: "<div><span>" + count + "</span></div>",
                     className: "marker-cluster marker-cluster-" + size, iconSize: [40, 40] });
}

/* Positions, in layer pixels, around `center` for `count` spread markers: a circle, or a
   spiral when there are many (the same figures as markercluster's spiderfy). */
function spread(count, center) {
  var out = [], i, angle, leg;
  if (count < 9) {
    leg = Math.max(25 * (2 + count) / (2 * Math.PI), 35);
    for (i = 0; i < count; i++) {
      angle = i * 2 * Math.PI / count;
      out.push(L.point(center.x + leg * Math.cos(angle), center.y + leg * Math.sin(angle)).round());
    }
    return out;
  }
  leg = 11;
  angle = 0;
  for (i = count; i >= 0; i--) {
    if (i < count) {
      out[i] = L.point(center.x + leg * Math.cos(angle), center.y + leg * Math.sin(angle)).round();
    }
    angle += 28 / leg + i * 0.0005;
    leg += 5 * 2 * Math.PI / angle;
  }
  return out;
}

export var ClusterLayer = L.Layer.extend({
  initialize: function () {
    this._markers = [];  // the markers in the layer, indexed by Supercluster in this order
    this._position = new Map();  // marker -> its index in _markers
    this._points = [];  // the markers' places, as Supercluster reads them
    this._quick = null;  // the index for zooms up to QUICK_MAX
    this._full = null;  // the index for every zoom, made when first needed
    this._shown = new Map();  // key ("m" + marker index, "c" + index + cluster id) -> layer
    this._spider = null;  // the cluster whose venues are spread out, and their legs
  },

  onAdd: function (map) {
    var max = map.getMaxZoom();
    this._maxZoom = isFinite(max) ? max : 19;
    map.on("moveend", this._render, this);
    map.on("zoomstart click", this._unspread, this);
    this._reindex();
  },

  onRemove: function (map) {
    map.off("moveend", this._render, this);
    map.off("zoomstart click", this._unspread, this);
    this._unspread();
    this._shown.forEach(function (layer) { map.removeLayer(layer); });
    this._shown.clear();
  },

  getLayers: function () { return this._markers.slice(); },

  getBounds: function () {
    return L.latLngBounds(this._markers.map(function (m) { return m.getLatLng(); }));
  },

  clearLayers: function () { return this.setLayers([]); },

  addLayers: function (markers) { return this.setLayers(this._markers.concat(markers)); },

  /* Replaces the markers in one go: one index, one drawing; the markers that stay where
     they were drawn stay on the map (an open popup with them). */
  setLayers: function (markers) {
    this._unspread();  // the index reads the markers' places: their own, not spread out
    this._markers = markers.slice();
    this._position = new Map(this._markers.map(function (m, i) { return [m, i]; }));
    this._reindex();
    return this;
  },

  _reindex: function () {
    if (!this._map) { return; }
    this._unspread();
    this._points = this._markers.map(function (m, i) {
      var at = m.getLatLng();
      return { type: "Feature", properties: { i: i }, geometry: { type: "Point", coordinates: [at.lng, at.lat] } };
    });
    this._full = null;
    this._quick = this._maxZoom > QUICK_MAX ? this._load(QUICK_MAX, "q") : this._fullIndex();
    var self = this;
    if (!this._full && window.requestIdleCallback) {
      requestIdleCallback(function () { if (self._map) { self._fullIndex(); } });
    }
    // Cluster ids are only valid in the index that made them.
    var map = this._map;
    this._shown.forEach(function (layer, key, shown) {
      if (key[0] === "c") { map.removeLayer(layer); shown.delete(key); }
    });
    this._render();
    this.fire("clustered");
  },

  _load: function (maxZoom, name) {
    var index = new Supercluster({ radius: RADIUS, extent: 256, minZoom: this._map.getMinZoom(),
                                   maxZoom: maxZoom }).load(this._points);
    index.name = name;  // in the keys of its clusters
    return index;
  },

  _fullIndex: function () {
    if (!this._full) { this._full = this._load(this._maxZoom, "f"); }
    return this._full;
  },

  _indexAt: function (zoom) { return zoom <= QUICK_MAX ? this._quick : this._fullIndex(); },

  /* Draws what lies in the view (and, on a computer, a screen around it, so that a short
     pan finds the venues there): the venue markers left alone, and bubbles. */
  _render: function () {
    var map = this._map;
    if (!map || !this._quick) { return; }
    var b = map.getBounds();
    if (!L.Browser.mobile) { b = b.pad(1); }
    var index = this._indexAt(Math.round(map.getZoom()));
    var found = index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
                                  Math.round(map.getZoom()));
    var next = new Map(), self = this;
    found.forEach(function (f) {
      var p = f.properties, key, layer;
      if (p.cluster) {
        key = "c" + index.name + p.cluster_id;
        layer = self._shown.get(key) || self._bubble(f, index);
      } else {
        key = "m" + p.i;
        layer = self._markers[p.i];
      }
      next.set(key, layer);
    });
    if (this._spider && !next.has(this._spider.key)) { this._unspread(); }
    this._shown.forEach(function (layer, key) {
      if (next.get(key) !== layer) { map.removeLayer(layer); }
    });
    next.forEach(function (layer) {
      if (!map.hasLayer(layer)) { map.addLayer(layer); }
    });
    this._shown = next;
  },

  _bubble: function (f, index) {
    var c = f.geometry.coordinates, id = f.properties.cluster_id;
    var m = L.marker([c[1], c[0]], { icon: bubble(f.properties.point_count) });
    m.on("click", function () { this._open(index, id, m); }, this);
    return m;
  },

  /* A cluster clicked: zoom in until it splits; at the last zoom level, or when its venues
     share one place, spread them out. */
  _open: function (index, id, bubbleMarker) {
    var map = this._map;
    var zoom = index.getClusterExpansionZoom(id);
    var leaves = index.getLeaves(id, Infinity);
    var first = leaves[0].geometry.coordinates;
    var samePlace = leaves.every(function (f) {
      return f.geometry.coordinates[0] === first[0] && f.geometry.coordinates[1] === first[1];
    });
    if (samePlace || zoom > this._maxZoom || map.getZoom() >= this._maxZoom) {
      this._spread("c" + index.name + id, bubbleMarker, leaves);
    } else {
      map.setView(bubbleMarker.getLatLng(), Math.min(zoom, this._maxZoom));
    }
  },

  _spread: function (key, bubbleMarker, leaves) {
    if (this._spider && this._spider.key === key) { return; }
    this._unspread();
    var map = this._map, self = this;
    var center = bubbleMarker.getLatLng();
    var feet = spread(leaves.length, map.latLngToLayerPoint(center));
    var legs = L.layerGroup().addTo(map);
    var markers = leaves.map(function (f, i) {
      var m = self._markers[f.properties.i];
      var at = map.layerPointToLatLng(feet[i]);
      legs.addLayer(L.polyline([center, at], LEG));
      var home = m.getLatLng();
      m.setLatLng(at);
      map.addLayer(m);
      return { marker: m, home: home };
    });
    bubbleMarker.setOpacity(0.3);
    this._spider = { key: key, bubble: bubbleMarker, spread: markers, legs: legs };
  },

  /* Zooms (and pans) until the marker is drawn on its own, or spread out from its cluster
     at the last zoom level, in view; then calls `callback`, as markercluster's does. */
  zoomToShowLayer: function (marker, callback, attempt) {
    var map = this._map, i = this._position.get(marker), self = this;
    if (!map || i === undefined) { return; }
    if (map.hasLayer(marker) && map.getBounds().contains(marker.getLatLng())) {
      callback();
      return;
    }
    this._unspread();
    var at = marker.getLatLng(), zoom = Math.max(Math.round(map.getZoom()), map.getMinZoom());
    while (zoom < this._maxZoom && !this._alone(i, at, zoom)) { zoom++; }
    map.once("moveend", function () {
      // (the layer drew the new view first: its handler was added before this one)
      if (!map.hasLayer(marker) && Math.round(map.getZoom()) === zoom && zoom >= self._maxZoom) {
        self._spreadAround(i, at, zoom);
      }
      if (map.hasLayer(marker)) { callback(); }
      // A zoom animation under way ignores a new view: ask again once it is over.
      else if ((attempt || 0) < 3) { self.zoomToShowLayer(marker, callback, (attempt || 0) + 1); }
    });
    map.setView(at, zoom);
  },

  /* Whether the venue at index `i` is drawn on its own at `zoom`. */
  _alone: function (i, at, zoom) {
    var d = 1e-6;
    return this._indexAt(zoom).getClusters([at.lng - d, at.lat - d, at.lng + d, at.lat + d], zoom)
      .some(function (f) { return !f.properties.cluster && f.properties.i === i; });
  },

  /* Spreads out the drawn cluster that holds the venue at index `i`. */
  _spreadAround: function (i, at, zoom) {
    var self = this, map = this._map, index = this._indexAt(zoom);
    var reach = RADIUS * 2 * 360 / (256 * Math.pow(2, zoom));  // degrees of longitude
    index.getClusters([at.lng - reach, at.lat - reach, at.lng + reach, at.lat + reach], zoom)
      .some(function (f) {
        if (!f.properties.cluster) { return false; }
        var key = "c" + index.name + f.properties.cluster_id;
        var leaves = index.getLeaves(f.properties.cluster_id, Infinity);
        var bubbleMarker = self._shown.get(key);
        if (!bubbleMarker || !leaves.some(function (l) { return l.properties.i === i; })) {
          return false;
        }
        self._spread(key, bubbleMarker, leaves);
        return map.hasLayer(self._markers[i]);
      });
  },

  /* Puts spread venues back in their cluster (on a zoom, a click on the map, new filters). */
  _unspread: function () {
    var s = this._spider, map = this._map, self = this;
    if (!s) { return; }
    this._spider = null;
    s.spread.forEach(function (one) {
      one.marker.setLatLng(one.home);
      if (map && self._shown.get("m" + self._position.get(one.marker)) !== one.marker) {
        map.removeLayer(one.marker);
      }
    });
    if (map) { map.removeLayer(s.legs); }
    s.bubble.setOpacity(1);
  }
});
