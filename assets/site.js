/* The record index: search, filters and sorting over the cards the page already lists.
 *
 * Without JavaScript the index is a plain list. With it, the search form appears.
 * Filters and sorting work on the cards themselves. Words are searched with
 * Pagefind when the site is served over http(s); opened from disk (file://),
 * Pagefind cannot run (no fetch, modules or WebAssembly there), so the same box
 * searches search-data.js, loaded by a plain script element. Both give back
 * record URLs and excerpts, shown the same way.
 *
 * Nothing here writes HTML: text is set with textContent, excerpts are built
 * from text nodes and <mark> elements.
 */
(function () {
  "use strict";

  var form = document.getElementById("finder");
  var list = document.getElementById("records");
  if (!form || !list) return;
  var input = document.getElementById("finder-q");
  var sortSelect = document.getElementById("finder-sort");
  var status = document.getElementById("finder-count");
  var empty = document.getElementById("finder-empty");
  var filterSelects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var cards = Array.prototype.slice.call(list.querySelectorAll(":scope > .card"));
  var byUrl = new Map();
  cards.forEach(function (card, index) {
    card.dataset.order = String(index);
    byUrl.set(card.dataset.url, card);
  });
  var DEFAULT_SORT = "date-desc";
  var SORTS = {
    "date-desc": { key: "date", dir: "desc" },
    "date-asc": { key: "date", dir: "asc" },
    "score-desc": { key: "score", dir: "desc" },
    "title-asc": { key: "title", dir: "asc" }
  };
  var enginePromise = null;
  var generation = 0;
  var sortChosen = false;
  var timer = 0;
  var shownTimes = 0;

  /* ---- Engines: each has search(query, filters, sort) -> [{url, excerpt}] ---- */

  function servedOverHttp() {
    return location.protocol === "http:" || location.protocol === "https:";
  }

  function loadEngine() {
    if (!enginePromise) {
      var first = servedOverHttp() && form.dataset.pagefind ? loadPagefind().catch(function () { return null; }) : Promise.resolve(null);
      enginePromise = first.then(function (engine) { return engine || loadOffline(); });
    }
    return enginePromise;
  }

  function loadPagefind() {
    var url = new URL(form.dataset.pagefind, document.baseURI).href;
    /* A large registry's index comes in shards (bundles of a few hundred records each): merge them all. */
    var shards = (form.dataset.pagefindShards || "").split(" ").filter(Boolean).map(function (path) {
      return new URL(path, document.baseURI).href;
    });
    return import(url).then(function (pagefind) {
      return Promise.resolve(pagefind.options({ baseUrl: siteRoot, excerptLength: 28 }))
        .then(function () { return pagefind.init ? pagefind.init() : null; })
        .then(function () {
          return Promise.all(shards.map(function (shard) { return pagefind.mergeIndex(shard, { baseUrl: siteRoot }); }));
        })
        .then(function () {
          return {
            name: "pagefind",
            search: function (query, filters, sort) {
              var options = { filters: filters };
              if (sort) {
                options.sort = {};
                options.sort[sort.key] = sort.dir;
              }
              return pagefind.search(query, options).then(function (found) {
                if (!found) return null;
                return Promise.all(found.results.map(function (r) { return r.data(); }));
              }).then(function (data) {
                if (!data) return null;
                var results = data.map(function (d) {
                  return { url: siteRelative(d.url), excerpt: segmentsFromHtml(d.excerpt) };
                });
                /* Merged shards come back ordered by relevance, whatever the sort asked for:
                   order by the cards' own values, the same the offline engine sorts by. */
                if (sort && shards.length) {
                  results.sort(function (a, b) {
                    var ca = byUrl.get(a.url), cb = byUrl.get(b.url);
                    if (!ca || !cb) return ca ? -1 : cb ? 1 : 0;
                    return compareValues(cardValues(ca), cardValues(cb), sort);
                  });
                }
                return results;
              });
            }
          };
        });
    });
  }

  /* The index page sits at the site root, wherever the site is hosted (/, /registry/, ...).
     Pagefind gives URLs from the server root; the cards are keyed by paths from the site root. */
  var siteRoot = new URL(".", document.baseURI).pathname;

  function siteRelative(url) {
    var path = new URL(String(url || ""), document.baseURI).pathname;
    return path.indexOf(siteRoot) === 0 ? path.slice(siteRoot.length) : path.replace(/^\/+/, "");
  }

  /* Pagefind's excerpt is HTML with <mark>; parse it in an inert document and keep only text and marks. */
  function segmentsFromHtml(html) {
    var doc = new DOMParser().parseFromString("<p>" + (html || "") + "</p>", "text/html");
    var out = [];
    var p = doc.body.querySelector("p");
    if (!p) return out;
    p.childNodes.forEach(function (node) {
      out.push({ text: node.textContent || "", mark: node.nodeName === "MARK" });
    });
    return out;
  }

  function loadOffline() {
    return new Promise(function (resolve, reject) {
      if (window.SITEGEN_SEARCH_DATA) return resolve(window.SITEGEN_SEARCH_DATA);
      var script = document.createElement("script");
      script.src = form.dataset.fallback;
      script.onload = function () { resolve(window.SITEGEN_SEARCH_DATA); };
      script.onerror = function () { reject(new Error("the search data could not be loaded")); };
      document.head.appendChild(script);
    }).then(offlineEngine);
  }

  /* Case- and accent-insensitive text, with a map back to positions in the original. */
  function foldWithMap(text) {
    var folded = "";
    var map = [];
    for (var i = 0; i < text.length; i++) {
      var piece = text[i].normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
      for (var j = 0; j < piece.length; j++) map.push(i);
      folded += piece;
    }
    map.push(text.length);
    return { text: folded, map: map };
  }

  function fold(text) {
    return foldWithMap(text).text;
  }

  var WORD = /[\p{L}\p{N}]/u;

  function terms(query) {
    return fold(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  /* Positions where term starts a word in folded text. */
  function hits(folded, term) {
    var found = [];
    var at = folded.indexOf(term);
    while (at !== -1) {
      if (at === 0 || !WORD.test(folded[at - 1])) found.push(at);
      at = folded.indexOf(term, at + 1);
    }
    return found;
  }

  function offlineEngine(data) {
    var entries = (data && data.records ? data.records : []).map(function (r) {
      var body = foldWithMap(r.text || "");
      return {
        url: r.url, title: r.title, date: r.date, score: r.score, filters: r.filters || {}, text: r.text || "",
        head: fold([r.title, r.id, r.doi || ""].join(" ")), body: body
      };
    });
    return {
      name: "offline",
      search: function (query, filters, sort) {
        var words = terms(query);
        var found = [];
        entries.forEach(function (e) {
          for (var key in filters) {
            if (e.filters[key] !== filters[key]) return;
          }
          var weight = 0;
          var first = -1;
          for (var i = 0; i < words.length; i++) {
            var inHead = hits(e.head, words[i]).length;
            var inBody = hits(e.body.text, words[i]);
            if (!inHead && !inBody.length) return;
            weight += 10 * inHead + inBody.length;
            if (inBody.length && (first === -1 || inBody[0] < first)) first = inBody[0];
          }
          found.push({ entry: e, weight: weight, first: first });
        });
        found.sort(function (a, b) {
          if (sort) return compareValues(a.entry, b.entry, sort);
          return b.weight - a.weight || compareValues(a.entry, b.entry, SORTS[DEFAULT_SORT]);
        });
        return Promise.resolve(found.map(function (f) {
          return { url: f.entry.url, excerpt: excerpt(f.entry, words, f.first) };
        }));
      }
    };
  }

  /* About thirty words around the first hit, with every hit marked. */
  function excerpt(entry, words, first) {
    var text = entry.text;
    var map = entry.body.map;
    if (!text) return [];
    var origin = first === -1 ? 0 : map[first];
    var start = Math.max(0, origin - 90);
    var end = Math.min(text.length, origin + 160);
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    if (end < text.length) end = text.lastIndexOf(" ", end) > origin ? text.lastIndexOf(" ", end) : end;
    var marks = [];
    words.forEach(function (w) {
      hits(entry.body.text, w).forEach(function (at) {
        var s = map[at];
        var e = map[Math.min(at + w.length, map.length - 1)];
        while (e < text.length && WORD.test(text[e])) e++;
        if (s >= start && e <= end) marks.push([s, e]);
      });
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var out = [];
    var pos = start;
    if (start > 0) out.push({ text: "… ", mark: false });
    marks.forEach(function (m) {
      if (m[0] < pos) return;
      out.push({ text: text.slice(pos, m[0]), mark: false });
      out.push({ text: text.slice(m[0], m[1]), mark: true });
      pos = m[1];
    });
    out.push({ text: text.slice(pos, end) + (end < text.length ? " …" : ""), mark: false });
    return out;
  }

  /* ---- Sorting and filtering the cards ---- */

  function cardValues(card) {
    return {
      date: card.dataset.date,
      score: card.dataset.score === "" ? null : Number(card.dataset.score),
      title: card.dataset.title,
      order: Number(card.dataset.order)
    };
  }

  function compareValues(a, b, sort) {
    var result = 0;
    if (sort.key === "date") result = a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
    else if (sort.key === "score") result = (a.score === null ? -1 : a.score) - (b.score === null ? -1 : b.score);
    else if (sort.key === "title") result = a.title.localeCompare(b.title);
    if (sort.dir === "desc") result = -result;
    return result || a.title.localeCompare(b.title);
  }

  function currentFilters() {
    var filters = {};
    filterSelects.forEach(function (select) {
      if (select.value) filters[select.dataset.filter] = select.value;
    });
    return filters;
  }

  function passes(card, filters) {
    for (var key in filters) {
      if (card.dataset[key] !== filters[key]) return false;
    }
    return true;
  }

  /* ---- Showing results ---- */

  function setExcerpt(card, segments) {
    var old = card.querySelector(".card-excerpt");
    if (old) old.remove();
    card.classList.toggle("has-excerpt", Boolean(segments && segments.length));
    if (!segments || !segments.length) return;
    var p = document.createElement("p");
    p.className = "card-excerpt";
    p.setAttribute("dir", "auto");
    segments.forEach(function (s) {
      if (!s.text) return;
      if (s.mark) {
        var mark = document.createElement("mark");
        mark.textContent = s.text;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(s.text));
      }
    });
    var abstract = card.querySelector(".card-abstract");
    abstract.parentNode.insertBefore(p, abstract);
  }

  function show(matches, query, filters) {
    var shown = new Set();
    var fragment = document.createDocumentFragment();
    matches.forEach(function (m) {
      var card = byUrl.get(m.url);
      if (!card || shown.has(card)) return;
      shown.add(card);
      card.hidden = false;
      setExcerpt(card, m.excerpt);
      fragment.appendChild(card);
    });
    var rest = cards.filter(function (c) { return !shown.has(c); });
    rest.sort(function (a, b) { return Number(a.dataset.order) - Number(b.dataset.order); });
    rest.forEach(function (card) {
      card.hidden = true;
      setExcerpt(card, null);
      fragment.appendChild(card);
    });
    list.appendChild(fragment);
    shownTimes += 1;
    form.dataset.shown = String(shownTimes);  // lets tests and tools wait for a finished update
    var n = shown.size;
    var noun = cards.length === 1 ? "record" : "records";
    if (!query && !Object.keys(filters).length) status.textContent = cards.length + " " + noun;
    else status.textContent = n + " of " + cards.length + " " + noun + " match" + (query ? " \u201c" + query + "\u201d" : "");
    empty.hidden = n > 0;
  }

  function syncSort(query) {
    var relevance = sortSelect.querySelector('option[value="relevance"]');
    relevance.disabled = !query;
    if (query && !sortChosen) sortSelect.value = "relevance";
    if (!query && sortSelect.value === "relevance") sortSelect.value = DEFAULT_SORT;
  }

  function writeUrl(query, filters, sort) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    Object.keys(filters).forEach(function (k) { params.set(k, filters[k]); });
    if (sort !== DEFAULT_SORT && !(query && sort === "relevance")) params.set("sort", sort);
    var search = params.toString();
    try {
      history.replaceState(null, "", search ? "?" + search : location.pathname);
    } catch (e) {
      /* Some browsers refuse to change a file:// address; the results are still shown. */
    }
  }

  function update() {
    var mine = ++generation;
    var query = input.value.trim();
    syncSort(query);
    var filters = currentFilters();
    var sortName = sortSelect.value;
    var sort = SORTS[sortName] || null;
    writeUrl(query, filters, sortName);
    if (!query) {
      var matches = cards.filter(function (c) { return passes(c, filters); });
      matches.sort(function (a, b) {
        return sort ? compareValues(cardValues(a), cardValues(b), sort) : cardValues(a).order - cardValues(b).order;
      });
      show(matches.map(function (c) { return { url: c.dataset.url, excerpt: null }; }), query, filters);
      return Promise.resolve();
    }
    form.setAttribute("aria-busy", "true");
    return loadEngine().then(function (engine) {
      form.dataset.engine = engine.name;
      return engine.search(query, filters, sort);
    }).then(function (results) {
      if (mine !== generation || !results) return;
      show(results, query, filters);
    }).catch(function () {
      if (mine !== generation) return;
      status.textContent = "Search is not available right now; the filters still work.";
    }).then(function () {
      if (mine === generation) {
        form.removeAttribute("aria-busy");
        form.dataset.ready = "true";
      }
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(update, 160);
  }

  /* Language codes (ar, pt-BR) read better as names; the browser knows them in the page's language. */
  function nameLanguages() {
    var select = form.querySelector('select[data-filter="language"]');
    if (!select || !window.Intl || !Intl.DisplayNames) return;
    try {
      var names = new Intl.DisplayNames([document.documentElement.lang || "en"], { type: "language" });
      Array.prototype.forEach.call(select.options, function (option) {
        var name = option.value && names.of(option.value);
        if (name && name !== option.value) option.textContent = option.textContent.replace(option.value, name);
      });
    } catch (e) {
      /* An unknown tag keeps its code. */
    }
  }

  /* ---- Wiring ---- */

  nameLanguages();
  form.hidden = false;
  input.addEventListener("input", later);
  input.addEventListener("focus", function () { loadEngine(); }, { once: true });
  sortSelect.addEventListener("change", function () { sortChosen = true; update(); });
  filterSelects.forEach(function (select) { select.addEventListener("change", update); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    update();
  });
  form.addEventListener("reset", function () {
    sortChosen = false;
    setTimeout(function () {
      sortSelect.value = DEFAULT_SORT;
      update();
    }, 0);
  });

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  filterSelects.forEach(function (select) {
    var value = params.get(select.dataset.filter);
    if (value && select.querySelector('option[value="' + CSS.escape(value) + '"]')) select.value = value;
  });
  var sortParam = params.get("sort");
  if (sortParam && SORTS[sortParam]) {
    sortSelect.value = sortParam;
    sortChosen = true;
  }
  Promise.resolve(update()).then(function () { form.dataset.ready = "true"; });
})();
