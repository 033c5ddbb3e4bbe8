// The static site's script. Without it every link still works (only the search needs it);
// the quick exit is quick-exit.js, shared with the kiosk.
//
// - The first page's search: the kiosk's matcher (leaflet/languages/pick.py: exact names,
//   prefixes from four letters, words of longer names, typos by the normalised Indel
//   similarity, countries followed to the languages spoken there by share, codes), run
//   here over search-index.js, which the build writes (leaflet/edition/site.py).
"use strict";
(function () {
  // --- the search --------------------------------------------------------------------------

  function normalise(text) {  // site.normalise() in leaflet/edition/site.py, step for step
    var s = text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
    s = s.replace(/[^\p{L}\p{N}]+/gu, " ").trim();
    return s.normalize("NFC");
  }

  function chars(s) { return Array.from(s); }

  function ratio(a, b) {  // RapidFuzz fuzz.ratio: the normalised Indel similarity, 0-100
    var x = chars(a), y = chars(b), total = x.length + y.length;
    if (!total) { return 100; }
    var prev = new Array(y.length + 1).fill(0), cur = new Array(y.length + 1).fill(0);
    for (var i = 1; i <= x.length; i++) {
      for (var j = 1; j <= y.length; j++) {
        cur[j] = x[i - 1] === y[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
      }
      var t = prev; prev = cur; cur = t;
    }
    return 100 * (2 * prev[y.length]) / total;
  }

  function search(idx, query) {
    var S = idx.scores, found = {};
    function offer(targets, score) {
      targets.split(" ").forEach(function (t) {
        if (!(t in found) || score > found[t]) { found[t] = score; }
      });
    }
    var q = normalise(query), n = chars(q).length;
    if (q) {
      idx.names.forEach(function (name, i) {
        var len = chars(name).length;
        if (name === q) { offer(idx.targets[i], 100); return; }
        if (n < 4) { return; }
        if (name.indexOf(q) === 0) { offer(idx.targets[i], Math.min(98, 75 + 20 * n / len)); }
        var r = ratio(q, name);
        if (r >= S.cutoff) { offer(idx.targets[i], r); }
      });
      if (n >= 4) {
        idx.words.forEach(function (word, i) {
          var len = chars(word).length;
          if (word.indexOf(q) === 0) {
            offer(idx.word_targets[i], (word === q ? 100 : 75 + 20 * n / len) * S.word);
          }
          var r = ratio(q, word);
          if (r >= S.cutoff / S.word) { offer(idx.word_targets[i], r * S.word); }
        });
      }
    }
    var raw = query.trim().toLowerCase();
    if (/^[0-9]{3}$/.test(raw)) {
      if (idx.territory_codes[raw]) { offer("t:" + idx.territory_codes[raw], S.territory_code); }
    } else if (/^[a-z]{2,8}([_-][a-z0-9]{2,8})*$/.test(raw)) {
      var parts = raw.split(/[_-]/), lang = parts[0];
      var script = parts.length > 1 && parts[1].length === 4 ? parts[1] : null;
      var key = (script && idx.codes[lang + "-" + script]) || idx.codes[lang];
      if (key) { offer("l:" + key, 100); }
      if (parts.length === 1 && idx.territory_codes[lang]) {
        offer("t:" + idx.territory_codes[lang], S.territory_code);
      }
    }
    var hits = {};
    function add(code, score, share) {
      if (!(code in hits) || score > hits[code].score) {
        hits[code] = {code: code, score: score, share: share || 0};
      }
    }
    Object.keys(found).forEach(function (t) {
      var kind = t.charAt(0), code = t.slice(2), score = found[t];
      if (kind === "l") { add(code, score); return; }
      if (score < S.territory_min) { return; }
      (idx.territories[code] || []).forEach(function (row) {
        var weighted = score * (0.8 + 0.2 * Math.min(row[1], 100) / 100);
        if (weighted >= S.shown_min) { add(row[0], weighted, row[1]); }
      });
    });
    var ranked = Object.keys(hits).map(function (k) { return hits[k]; });
    function built(h) { return idx.languages[h.code] && idx.languages[h.code][0] ? 0 : 1; }
    ranked.sort(function (a, b) {
      return (Math.round(b.score * 10) - Math.round(a.score * 10)) || (built(a) - built(b)) ||
        (b.share - a.share) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
    });
    if (!ranked.length) { return []; }
    var floor = Math.max(S.shown_min, ranked[0].score - S.tail), seen = {}, rows = [];
    ranked.forEach(function (h) {
      var lang = idx.languages[h.code];
      if (h.score < floor || !lang || rows.length >= 6) { return; }
      var shown = lang[0] || h.code;
      if (seen[shown]) { return; }  // zh and zh-Hans both lead to the zh-Hans page
      seen[shown] = true;
      rows.push({code: lang[0], autonym: lang[1], english: lang[2], dir: lang[3],
                 also: lang[4] || []});
    });
    return rows;
  }

  function setupSearch() {
    var form = document.querySelector("form[data-search-index]");
    if (!form) { return; }
    var input = form.querySelector("input"), results = document.getElementById("results");
    var waiting = [], loading = false, timer = null;

    function withIndex(then) {
      if (window.leafletSearchIndex) { then(window.leafletSearchIndex); return; }
      waiting.push(then);
      if (loading) { return; }
      loading = true;
      var script = document.createElement("script");
      script.src = form.getAttribute("data-search-index");
      script.onload = function () {
        waiting.splice(0).forEach(function (f) { f(window.leafletSearchIndex); });
      };
      document.head.appendChild(script);
    }

    function sentence(id, values) {
      var node = document.getElementById(id).content.cloneNode(true);
      var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        Object.keys(values || {}).forEach(function (k) {
          walker.currentNode.nodeValue = walker.currentNode.nodeValue.split("%(" + k + ")s")
            .join(values[k]);
        });
      }
      return node;
    }

    function tile(row, idx) {
      var li = document.createElement("li"), a = document.createElement("a");
      var autonym = document.createElement("span"), english = document.createElement("span");
      autonym.className = "autonym";
      autonym.textContent = row.autonym || row.english;
      if (row.autonym) { autonym.lang = row.code || ""; autonym.dir = row.dir; }
      english.className = "english";
      english.textContent = row.english;
      if (!row.code) {
        li.className = "no-leaflet";
        var p = document.createElement("p");
        p.appendChild(autonym); p.appendChild(document.createTextNode(" ")); p.appendChild(english);
        li.appendChild(p);
        var none = document.createElement("p");
        none.appendChild(sentence("t-no-leaflet"));
        li.appendChild(none);
        if (row.also.length) {
          var also = document.createElement("p");
          also.appendChild(sentence("t-also-read", {language: row.english}));
          li.appendChild(also);
          var list = document.createElement("ul");
          list.className = "language-list";
          row.also.forEach(function (code) {
            var other = null;
            Object.keys(idx.languages).some(function (k) {
              if (idx.languages[k][0] === code) { other = idx.languages[k]; return true; }
              return false;
            });
            if (other) {
              list.appendChild(tile({code: code, autonym: other[1], english: other[2],
                                     dir: other[3], also: []}, idx));
            }
          });
          li.appendChild(list);
        }
        return li;
      }
      a.className = "language";
      a.href = row.code + "/index.html";
      autonym.lang = row.code;
      a.appendChild(autonym); a.appendChild(english);
      li.appendChild(a);
      return li;
    }

    function show(query) {
      query = query.trim().slice(0, 80);
      results.textContent = "";
      if (!query) { return; }
      withIndex(function (idx) {
        if (input.value.trim().slice(0, 80) !== query) { return; }  // typed on since
        results.textContent = "";
        var title = document.createElement("h2");
        title.id = "results-title";
        title.appendChild(sentence("t-results-title", {query: query}));
        results.appendChild(title);
        var rows = search(idx, query);
        if (!rows.length) {
          var none = document.createElement("p");
          none.appendChild(sentence("t-no-match"));
          results.appendChild(none);
          return;
        }
        var list = document.createElement("ul");
        list.className = "language-list";
        rows.forEach(function (row) { list.appendChild(tile(row, idx)); });
        results.appendChild(list);
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      show(input.value);
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { show(input.value); }, 250);
    });
    input.addEventListener("focus", function () { withIndex(function () {}); });
  }

  document.addEventListener("DOMContentLoaded", setupSearch);
}());
