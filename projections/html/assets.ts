/**
 * The stylesheet and the one client script of the web view. The pages work
 * without the script; it only keeps a live page current: on each event of the
 * stream it fetches the same page again and swaps its <main> (so what is shown
 * always comes from the server's renderers), and `/` focuses the search box.
 */
export const STYLESHEET = `
:root{--bg:#ffffff;--fg:#1b1f24;--muted:#57606a;--card:#f6f8fa;--line:#d0d7de;--accent:#0550ae;--ok:#116329;--warn:#9a6700;--bad:#a40e26;--focus:#0969da;
--l-session:#0550ae;--l-progress:#116329;--l-decision:#8250df;--l-discovery:#bc4c00;--l-blocker:#a40e26;--l-item:#0a7b83;--l-commit:#bf3989;--l-agent:#6e40c9;--l-tool:#6e7781;--l-message:#9a6700}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9ea7b3;--card:#161b22;--line:#30363d;--accent:#79c0ff;--ok:#56d364;--warn:#e3b341;--bad:#ff7b72;--focus:#58a6ff;
--l-session:#79c0ff;--l-progress:#56d364;--l-decision:#d2a8ff;--l-discovery:#ffa657;--l-blocker:#ff7b72;--l-item:#39c5cf;--l-commit:#f778ba;--l-agent:#bc8cff;--l-tool:#8b949e;--l-message:#e3b341}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--bg);padding:4px 8px;z-index:2}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
header.top{display:flex;flex-wrap:wrap;gap:16px;align-items:center;padding:10px 20px;border-bottom:1px solid var(--line);background:var(--card)}
.brand{font-weight:700;font-size:17px}
header nav a{margin-right:12px;text-decoration:none;padding:2px 4px}
header nav a[aria-current=page]{border-bottom:2px solid var(--accent);font-weight:600}
form.search{display:flex;gap:6px;align-items:center;margin-left:auto}
form.search label{position:absolute;left:-999px}
input[type=search]{background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:6px;padding:5px 8px;min-width:220px}
button{background:var(--accent);color:var(--bg);border:0;border-radius:6px;padding:6px 12px;font-weight:600;cursor:pointer}
.live{font-size:13px;color:var(--muted);min-width:9em}
main{padding:16px 20px 40px;max-width:1200px;margin:0 auto;overflow-wrap:anywhere}
footer{color:var(--muted);font-size:13px;padding:12px 20px;border-top:1px solid var(--line)}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:18px;margin:22px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:16px;margin:0}
.count{font-size:13px;color:var(--muted);font-weight:400}
.muted,.meta{color:var(--muted)}.meta{font-size:13px;margin:4px 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(340px,100%),1fr));gap:14px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.card header{display:flex;justify-content:space-between;gap:8px;align-items:flex-start}.card h3 a{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:3;line-clamp:3;overflow:hidden}
.tldr{margin:8px 0}
.facts{margin:0;display:grid;gap:4px}.facts div{display:grid;grid-template-columns:6.5em 1fr;gap:8px}.facts dt{color:var(--muted)}.facts dd{margin:0}
ul.blockers{margin:0;padding-left:0;list-style:none}
.num{font-weight:700;color:var(--bad)}
.badge{font-size:12px;border-radius:999px;padding:1px 8px;border:1px solid currentColor;white-space:nowrap}
.st-active{color:var(--ok)}.st-paused{color:var(--warn)}.st-completed{color:var(--accent)}.st-abandoned{color:var(--bad)}
.repo{font-weight:600}
table.list{border-collapse:collapse;width:100%;font-size:14px}table.list th,table.list td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line)}
.empty{color:var(--muted)}
.notice{margin:10px 20px;padding:8px 12px;border:1px solid var(--bad);border-radius:8px;color:var(--bad)}
.bad{color:var(--bad)}
.crumbs{font-size:13px;color:var(--muted)}
.scroll{overflow-x:auto}
figure{margin:0}figcaption{font-size:13px;color:var(--muted)}
svg text{fill:var(--fg);font-size:12px}
svg .axis,svg .lane-label{fill:var(--muted);font-size:11px}
svg .lane{stroke:var(--line);stroke-width:1}
svg .compaction{stroke:var(--warn);stroke-width:1.5;stroke-dasharray:4 3}
svg .mk{stroke:var(--bg);stroke-width:1}svg .mk.hollow{fill:var(--bg);stroke-width:2}svg .mk.failed{stroke:var(--bad);stroke-width:2}
${['session', 'progress', 'decision', 'discovery', 'blocker', 'item', 'commit', 'agent', 'tool', 'message'].map((l) => `svg .l-${l}{fill:var(--l-${l})}svg .mk.hollow.l-${l}{stroke:var(--l-${l})}.type.l-${l}{color:var(--l-${l})}`).join('\n')}
svg a.ev:focus .mk,svg a.ev:hover .mk{stroke:var(--fg);stroke-width:2}
.node rect{fill:var(--card);stroke:var(--line);stroke-width:1.5}.node.origin rect{stroke:var(--ok);stroke-width:2.5}.node.current rect{stroke:var(--accent);stroke-width:2.5}
.node-id{font-weight:700}.node-meta{fill:var(--muted)}
.edge{stroke:var(--accent);stroke-width:2}.arrowhead{fill:var(--accent)}.edge-label{fill:var(--muted);font-size:11px}
.bar{fill:var(--accent)}.bar.extra{fill:var(--bad)}.bar.none{fill:var(--card);stroke:var(--line)}
ol.events{list-style:none;padding:0;font-size:14px}ol.events li{padding:3px 0;border-bottom:1px dashed var(--line)}ol.events li:target{background:var(--card)}
.type{font-family:ui-monospace,monospace;font-size:12px;font-weight:600}
ol.steps{list-style:none;padding:0}.step-done .mark{color:var(--ok)}.current{font-weight:600}
ol.decisions>li{margin-bottom:10px}.what{font-weight:600;margin:0}.why{margin:2px 0}.superseded{opacity:.7}
ul.options li.chosen{font-weight:600}
.evidence{margin:2px 0;color:var(--muted)}
.resolved{color:var(--muted)}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}.tiles div{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 12px}.tiles dt{color:var(--muted);font-size:13px}.tiles dd{margin:0;font-size:22px;font-weight:700}
.chart{margin-bottom:8px}figure.chart>svg{max-width:100%;height:auto}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(440px,100%),1fr));gap:0 28px}.charts>section{min-width:0}
table.list{overflow-wrap:normal}table.list td:first-child{overflow-wrap:anywhere;min-width:12em}
@media (min-width:700px){table.list time{white-space:nowrap}}@media (max-width:699px){table.list{display:block;overflow-x:auto}}
time{color:var(--muted);font-size:13px}
mark{background:var(--warn);color:var(--bg);padding:0 2px;border-radius:2px}
`;

export const CLIENT_SCRIPT = `'use strict';
(function () {
  var live = document.body.getAttribute('data-live');
  var status = document.getElementById('live');
  document.addEventListener('keydown', function (e) {
    var q = document.getElementById('q');
    if (e.key === '/' && q && document.activeElement !== q && !/input|textarea/i.test(document.activeElement.tagName)) { e.preventDefault(); q.focus(); }
  });
  if (!live || !window.EventSource) return;
  var timer = null, updates = 0, busy = false, again = false;
  function say(t) { if (status) status.textContent = t; }
  function reload() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error(String(r.status))); })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, 'text/html');
        var fresh = doc.getElementById('main');
        var main = document.getElementById('main');
        if (fresh && main) main.innerHTML = fresh.innerHTML;
        updates++;
        document.body.setAttribute('data-updates', String(updates));
        say('live · updated ' + new Date().toLocaleTimeString());
      })
      .catch(function () { say('live · update failed'); })
      .then(function () { busy = false; if (again) { again = false; reload(); } });
  }
  var es = new EventSource(live);
  es.addEventListener('ready', function () { document.body.setAttribute('data-stream', 'ready'); say('live'); });
  es.onmessage = function () { clearTimeout(timer); timer = setTimeout(reload, 120); };
  es.onerror = function () { say('reconnecting…'); };
})();
`;
