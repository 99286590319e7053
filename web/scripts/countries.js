// Natural Earth 1:50m country outlines (world-atlas 2.0.2) as compact GeoJSON
// for index.html: coordinates to 0.01 degree, names only.
// usage: node countries.js PACKAGES_DIR > ../countries.geojson (see fetch.sh)
const topo = require(process.argv[2] + '/topojson-client');
const t = require(process.argv[2] + '/world-atlas/countries-50m.json');
const fc = topo.feature(t, t.objects.countries);
const r = x => Math.round(x * 100) / 100;
const round = c => typeof c[0] === 'number' ? [r(c[0]), r(c[1])] : c.map(round);
const dedupe = ring => ring.filter((p, i) => i === 0 || p[0] !== ring[i-1][0] || p[1] !== ring[i-1][1]);
// A ring across the antimeridian is drawn east of it (longitudes past 180),
// so it does not stretch across the whole map; Antarctica is left out.
const unwrap = ring => {
  const xs = ring.map(p => p[0]);
  if (Math.max(...xs) - Math.min(...xs) <= 180) return ring;
  return ring.map(p => p[0] < 0 ? [p[0] + 360, p[1]] : p);
};
fc.features = fc.features.filter(f => f.properties.name !== 'Antarctica');
for (const f of fc.features) {
  const g = f.geometry; if (!g) continue;
  if (g.type === 'Polygon') g.coordinates = g.coordinates.map(unwrap);
  if (g.type === 'MultiPolygon') g.coordinates = g.coordinates.map(p => p.map(unwrap));
  g.coordinates = round(g.coordinates);
  if (g.type === 'Polygon') g.coordinates = g.coordinates.map(dedupe);
  if (g.type === 'MultiPolygon') g.coordinates = g.coordinates.map(p => p.map(dedupe));
  f.properties = { name: f.properties.name };
  delete f.id;
}
process.stdout.write(JSON.stringify({type: 'FeatureCollection', features: fc.features.filter(f => f.geometry)}));
