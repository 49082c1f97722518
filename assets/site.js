/* The record index: search, filters and sorts over the whole registry, a page of results at a time.
 *
 * Without JavaScript the index is a plain list in pages (index.html, page/<n>.html). With it,
 * the search form appears. With no words, no filter and the default order the page shows its
 * own cards; anything else shows results, made here from data:
 *
 *  - Filters and sorts, and words opened from disk (file://), use the offline index
 *    (search/, sitegen/search/offline.py): small script files loaded on demand by plain
 *    <script> elements, which work from disk where fetch, modules and WebAssembly do not.
 *    A query loads the chunks of its words, its filter values and the records it shows.
 *  - Words on a served site (http, https), best match first, use Pagefind, ranked by relevance,
 *    with excerpts; only the shown page of results is fetched. A chosen order comes from the
 *    offline index, which matches the same records.
 *
 * The address keeps the words, filters, sort and page (?q=...&gate=verified&sort=...&page=2),
 * so results can be linked and the back button works.
 *
 * Nothing here writes HTML: text is set with textContent, excerpts are built from text nodes
 * and <mark> elements.
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
  var staticPager = document.getElementById("pager");
  var filterSelects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var root = form.dataset.root || "";
  var offlineBase = form.dataset.offline || "search/";
  var staticStatus = status.textContent;
  var PER_PAGE = 25;
  var DEFAULT_SORT = "date-desc";
  var SORTS = {
    "date-desc": { key: "date", dir: "desc" },
    "date-asc": { key: "date", dir: "asc" },
    "score-desc": { key: "score", dir: "desc" },
    "title-asc": { key: "title", dir: "asc" }
  };
  var BADGE_TITLES = { level: "Verification level", gate: "Gate status", tier: "Quality tier", correction: "Correction status" };
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December"];
  var generation = 0;
  var sortChosen = false;
  var timer = 0;
  var shownTimes = 0;
  var page = 1;

  var results = document.createElement("ol");
  results.className = "cards";
  results.id = "results";
  results.hidden = true;
  list.parentNode.insertBefore(results, list.nextSibling);
  var resultPager = document.createElement("nav");
  resultPager.className = "pager";
  resultPager.id = "results-pager";
  resultPager.setAttribute("aria-label", "Pages of results");
  resultPager.hidden = true;
  empty.parentNode.insertBefore(resultPager, empty.nextSibling);

  function servedOverHttp() {
    return location.protocol === "http:" || location.protocol === "https:";
  }

  /* ---- Words: a query cut as Pagefind cuts it (sitegen/search/offline.py says why and how) ---- */

  var DROPPED = /^\p{Pd}|\p{Pe}|\p{Pf}|\p{Pi}|\p{Po}|\p{Ps}$/u;  // the punctuation Pagefind drops from a query

  function terms(query) {
    var kept = Array.from(query).filter(function (c) { return !DROPPED.test(c); })
      .map(function (c) { return c.toLocaleLowerCase(); }).join("");
    return kept.replace(/\s{2,}/g, " ").trim().split(" ").filter(Boolean).map(function (t) {
      return t.normalize("NFD").replace(/\p{Mn}/gu, "");  // diacritics, as Pagefind drops them
    }).filter(Boolean);
  }

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var WORD = /[\p{L}\p{N}]/u;

  /* ---- The offline index: one script element per chunk, each file calls SITEGEN_SEARCH_CHUNK ---- */

  var chunks = {};

  window.SITEGEN_SEARCH_CHUNK = function (name, data) {
    var entry = chunks[name];
    if (entry && entry.resolve) entry.resolve(data);
  };

  function chunk(name, src) {
    if (!chunks[name]) {
      var entry = {};
      entry.promise = new Promise(function (resolve, reject) {
        entry.resolve = resolve;
        var script = document.createElement("script");
        script.src = src || offlineBase + name + ".js";
        script.onerror = function () { reject(new Error("could not load " + name)); };
        document.head.appendChild(script);
      });
      chunks[name] = entry;
    }
    return chunks[name].promise;
  }

  function decode(text) {
    var out = [];
    if (!text) return out;
    var previous = 0;
    text.split(".").forEach(function (gap) {
      previous += parseInt(gap, 36);
      out.push(previous);
    });
    return out;
  }

  function numbers(text) {
    return text ? text.split(".").map(function (n) { return parseInt(n, 36); }) : [];
  }

  function hex(word) {
    return Array.from(word).map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
  }

  function marksOf(manifest, lists) {
    var marks = new Uint8Array(manifest.count);
    lists.forEach(function (list) { decode(list).forEach(function (n) { marks[n] = 1; }); });
    return marks;
  }

  /* What a query word matches, from the chunks that can hold its words (a chunk's key is the first
     letters of its words, offline.py: the chunks whose key starts the term or that the term starts):
     the records of every word it starts, and, longest first, the words that start it. */
  function wordMatches(manifest, term) {
    var t = hex(term);
    var names = manifest.words.filter(function (k) {
      return k === t || k.indexOf(t + "-") === 0 || t.indexOf(k + "-") === 0;
    });
    return Promise.all(names.map(function (k) { return chunk("w/" + k); })).then(function (loaded) {
      var extensions = [], prefixes = [];
      loaded.forEach(function (words) {
        Object.keys(words).forEach(function (word) {
          if (word.indexOf(term) === 0) extensions.push(words[word]);
          else if (term.indexOf(word) === 0) prefixes.push([word, words[word]]);
        });
      });
      prefixes.sort(function (a, b) { return b[0].length - a[0].length; });
      return {
        extensions: marksOf(manifest, extensions),
        prefixes: prefixes.map(function (p) { return marksOf(manifest, [p[1]]); })
      };
    });
  }

  /* The records the words match, Pagefind's way (offline.py), shard by shard: within a shard a word
     that starts no indexed word matches the longest one that starts it, a word that matches nothing
     is left out, and a shard where no word matches anything gives nothing. */
  function wordResult(manifest, matches) {
    var n = manifest.count, size = manifest.shardSize || n || 1;
    var result = new Uint8Array(n);
    if (!matches.length) return null;
    function any(marks, lo, hi) {
      for (var i = lo; i < hi; i++) if (marks[i]) return true;
      return false;
    }
    /* Shard s holds the record numbers (0 = the oldest) in [s*size, (s+1)*size). */
    for (var s = 0; s * size < n; s++) {
      var lo = s * size, hi = Math.min(n, lo + size);
      var present = [];
      matches.forEach(function (m) {
        if (any(m.extensions, lo, hi)) { present.push(m.extensions); return; }
        for (var p = 0; p < m.prefixes.length; p++) {
          if (any(m.prefixes[p], lo, hi)) { present.push(m.prefixes[p]); return; }
        }
      });
      if (!present.length) continue;
      for (var i = lo; i < hi; i++) {
        var all = 1;
        for (var k = 0; k < present.length && all; k++) all = present[k][i];
        result[i] = all;
      }
    }
    return result;
  }

  function filterSet(manifest, key, value) {
    if (!manifest.filters[key] || !manifest.filters[key][value]) return Promise.resolve(new Uint8Array(manifest.count));
    return chunk("f/" + key + "/" + value).then(function (text) {
      var marks = new Uint8Array(manifest.count);
      decode(text).forEach(function (n) { marks[n] = 1; });
      return marks;
    });
  }

  /* Every record number in the order asked for; records are numbered from the oldest. */
  function order(manifest, sortName) {
    var n = manifest.count;
    if (sortName === "score-desc" || sortName === "title-asc") {
      return chunk(sortName === "score-desc" ? "s/score" : "s/title").then(numbers);
    }
    var all = new Array(n);
    for (var i = 0; i < n; i++) all[i] = sortName === "date-asc" ? i : n - 1 - i;
    return Promise.resolve(all);
  }

  function shownRecords(manifest, wanted) {
    var per = manifest.recordsPerChunk;
    var names = [];
    wanted.forEach(function (n) {
      var name = "r/" + Math.floor(n / per);
      if (names.indexOf(name) === -1) names.push(name);
    });
    return Promise.all(names.map(function (name) { return chunk(name); })).then(function (loaded) {
      var byName = {};
      names.forEach(function (name, i) { byName[name] = loaded[i]; });
      return wanted.map(function (n) {
        var r = byName["r/" + Math.floor(n / per)][n % per];
        return { url: r[0], id: r[1], title: r[2], date: r[3], score: r[4], lang: r[5], badges: r[6], filters: r[7],
          abstract: r[8], excerpt: null };
      });
    });
  }

  var offline = {
    name: "offline",
    manifest: null,
    load: function () {
      if (!this.manifest) this.manifest = chunk("manifest");
      return this.manifest;
    },
    /* The matching record numbers in order: words (every one must start a word of the record), then filters. */
    search: function (query, filters, sortName) {
      return this.load().then(function (manifest) {
        var words = Promise.all(terms(query).map(function (t) { return wordMatches(manifest, t); }));
        var sets = Object.keys(filters).map(function (key) { return filterSet(manifest, key, filters[key]); });
        var sortBy = sortName === "relevance" ? DEFAULT_SORT : sortName;  // offline, best match is newest first
        return Promise.all([words, Promise.all(sets), order(manifest, sortBy)]).then(function (all) {
          var found = wordResult(manifest, all[0]);
          var wordCount = 0;
          if (found) for (var i = 0; i < found.length; i++) wordCount += found[i];
          var marks = (found ? [found] : []).concat(all[1]);
          var matches = all[2].filter(function (n) {
            for (var i = 0; i < marks.length; i++) if (!marks[i][n]) return false;
            return true;
          });
          return {
            total: matches.length,
            count: manifest.count,
            badges: manifest.badges,
            rankLimit: manifest.rankLimit === undefined ? Infinity : manifest.rankLimit,
            wordCount: wordCount,  // the records the words match before any filter: what Pagefind would score
            page: function (from, to) { return shownRecords(manifest, matches.slice(from, to)); }
          };
        });
      });
    }
  };

  /* ---- Pagefind, for words on a served site ---- */

  var pagefindPromise = null;

  function loadPagefind() {
    if (!pagefindPromise) {
      var url = new URL(form.dataset.pagefind, document.baseURI).href;
      /* A large registry's index comes in shards (bundles of a few hundred records each): merge them all. */
      var shards = (form.dataset.pagefindShards || "").split(" ").filter(Boolean).map(function (path) {
        return new URL(root + path, document.baseURI).href;
      });
      pagefindPromise = import(url).then(function (pagefind) {
        return Promise.resolve(pagefind.options({ baseUrl: siteRoot, excerptLength: 28 }))
          .then(function () { return pagefind.init ? pagefind.init() : null; })
          .then(function () {
            return Promise.all(shards.map(function (shard) { return pagefind.mergeIndex(shard, { baseUrl: siteRoot }); }));
          })
          .then(function () { return pagefind; });
      });
    }
    return pagefindPromise;
  }

  var hosted = {
    name: "pagefind",
    /* Null when Pagefind is not the one to answer: it ranks by relevance; a chosen order is the
       offline index's to give (it matches the same records, offline.py). */
    search: function (query, filters, sortName) {
      if (SORTS[sortName]) return Promise.resolve(null);
      /* Pagefind scores every matching record, so its time grows with the matches (13 s for a word in
         every one of 100,000 records). The offline index counts them first, in a few small files; past
         the registry's rank limit (limits.search_rank_limit) it answers itself, newest first, and says so. */
      return offline.search(query, filters, sortName).then(function (counted) {
        /* Pagefind scores every record the words match, and filters after: the words' count decides. */
        if (counted.wordCount > counted.rankLimit) {
          counted.unranked = true;
          return counted;
        }
        return ranked(query, filters);
      });
    }
  };

  function ranked(query, filters) {
    return Promise.all([loadPagefind(), offline.load(), chunkStarts()]).then(function (all) {
      var pagefind = all[0], manifest = all[1];
      return Promise.all(probes(terms(query), all[2]).map(function (p) { return pagefind.preload(p); }))
        .then(function () { return [pagefind, manifest]; });
    }).then(function (both) {
      var pagefind = both[0], manifest = both[1];
      return pagefind.search(query, { filters: filters }).then(function (found) {
        if (!found) return null;
        return {
          total: found.results.length,
          count: manifest.count,
          badges: manifest.badges,
          page: function (from, to) {
            return Promise.all(found.results.slice(from, to).map(function (r) { return r.data(); })).then(function (data) {
              return data.map(function (d) {
                var meta = d.meta || {};
                return { url: siteRelative(d.url), id: meta.id, title: meta.title, date: meta.date,
                  score: meta.score === "" || meta.score === undefined ? null : Number(meta.score), lang: meta.lang,
                  badges: [meta.badge0, meta.badge1, meta.badge2, meta.badge3].filter(Boolean), filters: codes(d.filters),
                  abstract: "", excerpt: segmentsFromHtml(d.excerpt) };
              });
            });
          }
        };
      });
    });
  }

  /* Pagefind loads, for each query word, the one chunk of its index whose range holds the word, so it
     can miss the word's extensions in the next chunk ("transfers" after "transfer") and the shorter
     words it falls back to. Asking it first for each chunk that starts with the word, and for the
     word's every prefix, loads them all, so it matches what the offline index matches. */
  function chunkStarts() {
    return chunk("pagefind-chunks", new URL(form.dataset.pagefind.replace(/pagefind\.js$/, "sitegen-chunks.js"),
      document.baseURI).href).catch(function () { return []; });
  }

  function probes(words, starts) {
    var out = [];
    words.forEach(function (word) {
      var letters = Array.from(word);
      for (var i = 1; i <= letters.length; i++) out.push(letters.slice(0, i).join(""));
      starts.forEach(function (start) { if (start.indexOf(word) === 0 && start !== word) out.push(start); });
    });
    return out.filter(function (p, i) { return out.indexOf(p) === i; });
  }

  function codes(pagefindFilters) {
    var out = {};
    Object.keys(pagefindFilters || {}).forEach(function (key) { out[key] = (pagefindFilters[key] || [])[0]; });
    return out;
  }

  /* The site root's path, wherever the site is hosted (/, /registry/, ...): Pagefind gives URLs from
     the server root, the index's links are from the site root. */
  var siteRoot = new URL(root || ".", document.baseURI).pathname;

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

  /* The words of the query marked in a text (offline results show the abstract, marked). */
  function marked(text, words) {
    var folded = "", map = [];
    for (var i = 0; i < text.length; i++) {
      var piece = text[i].normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
      for (var j = 0; j < piece.length; j++) map.push(i);
      folded += piece;
    }
    map.push(text.length);
    var marks = [];
    words.map(fold).forEach(function (w) {
      var at = folded.indexOf(w);
      while (at !== -1) {
        if (at === 0 || !WORD.test(folded[at - 1])) {
          var s = map[at], e = map[Math.min(at + w.length, map.length - 1)];
          while (e < text.length && WORD.test(text[e])) e++;
          marks.push([s, e]);
        }
        at = folded.indexOf(w, at + 1);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var out = [], pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos) return;
      out.push({ text: text.slice(pos, m[0]), mark: false });
      out.push({ text: text.slice(m[0], m[1]), mark: true });
      pos = m[1];
    });
    out.push({ text: text.slice(pos), mark: false });
    return out;
  }

  /* ---- Showing results: the same card the index page lists ---- */

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function humanDate(iso) {
    var parts = String(iso || "").split("-");
    if (parts.length !== 3) return iso || "";
    return Number(parts[2]) + " " + MONTHS[Number(parts[1]) - 1] + " " + parts[0];
  }

  function paragraph(className, segments) {
    var p = element("p", className);
    p.setAttribute("dir", "auto");
    segments.forEach(function (s) {
      if (!s.text) return;
      if (s.mark) p.appendChild(element("mark", "", s.text));
      else p.appendChild(document.createTextNode(s.text));
    });
    return p;
  }

  function card(r, badgeTexts, words) {
    var li = element("li", "card");
    li.dataset.url = r.url;
    var article = element("article");
    var h2 = element("h2", "card-title");
    var a = element("a", "", r.title || r.url);
    a.href = root + r.url;
    if (r.lang) a.lang = r.lang;
    a.setAttribute("dir", "auto");
    h2.appendChild(a);
    article.appendChild(h2);
    var meta = element("p", "card-meta");
    meta.appendChild(element("span", "card-id", r.id || ""));
    var when = element("span");
    when.appendChild(element("span", "visually-hidden", "Submitted "));
    var time = element("time", "", humanDate(r.date));
    time.setAttribute("datetime", r.date || "");
    when.appendChild(time);
    meta.appendChild(when);
    if (r.score !== null && r.score !== undefined && !isNaN(r.score)) meta.appendChild(element("span", "", "Review score " + Number(r.score).toFixed(2) + "/10"));
    if (r.lang && r.lang !== document.documentElement.lang) meta.appendChild(element("span", "", "Language: " + r.lang));
    article.appendChild(meta);
    var ul = element("ul", "badges");
    ul.setAttribute("aria-label", "Badges");
    ["level", "gate", "tier", "correction"].forEach(function (kind, i) {
      var label = r.badges[i];
      var about = badgeTexts[kind];
      var value = about && r.filters ? r.filters[about.filter] : null;
      if (!label || !value) return;
      var badge = element("a", "badge badge-" + kind + " badge-" + kind + "-" + value.toLowerCase());
      badge.href = root + "browse/" + about.filter + "-" + value.toLowerCase() + ".html";
      badge.title = BADGE_TITLES[kind] + ": " + (about.descriptions[value] || "");
      badge.dataset.badge = kind;
      badge.appendChild(element("span", "visually-hidden", BADGE_TITLES[kind] + ": "));
      badge.appendChild(document.createTextNode(label));
      var item = element("li");
      item.appendChild(badge);
      ul.appendChild(item);
    });
    article.appendChild(ul);
    if (r.excerpt && r.excerpt.length) {
      article.appendChild(paragraph("card-excerpt", r.excerpt));
    } else if (r.abstract) {
      var segments = marked(r.abstract, words);
      var p = paragraph(segments.length > 1 ? "card-excerpt" : "card-abstract", segments);
      if (r.lang) p.lang = r.lang;
      article.appendChild(p);
    }
    li.appendChild(article);
    return li;
  }

  function pagerLink(label, target, rel) {
    var li = element("li");
    var a = element("a", "", label);
    a.href = "?" + params(currentState(), target).toString();
    if (rel) a.rel = rel;
    a.addEventListener("click", function (event) {
      event.preventDefault();
      page = target;
      update(true).then(function () { status.focus(); });
    });
    li.appendChild(a);
    return li;
  }

  function showResults(found, state, words) {
    var pages = Math.max(1, Math.ceil(found.total / PER_PAGE));
    if (page > pages) page = pages;
    var from = (page - 1) * PER_PAGE;
    return found.page(from, from + PER_PAGE).then(function (shown) {
      results.textContent = "";
      var fragment = document.createDocumentFragment();
      shown.forEach(function (r) { fragment.appendChild(card(r, found.badges, words)); });
      results.appendChild(fragment);
      results.hidden = false;
      list.hidden = true;
      if (staticPager) staticPager.hidden = true;
      resultPager.textContent = "";
      if (pages > 1) {
        var ul = element("ul");
        if (page > 1) ul.appendChild(pagerLink("Previous results", page - 1, "prev"));
        ul.appendChild(element("li", "pager-at", "Page " + page + " of " + pages));
        if (page < pages) ul.appendChild(pagerLink("Next results", page + 1, "next"));
        resultPager.appendChild(ul);
      }
      resultPager.hidden = pages <= 1;
      var noun = found.count === 1 ? "record" : "records";
      status.textContent = found.total.toLocaleString("en") + " of " + found.count.toLocaleString("en") + " " + noun +
        " match" + (state.query ? " \u201c" + state.query + "\u201d" : "") +
        (found.total > PER_PAGE ? ", " + (from + 1) + " to " + (from + shown.length) + " shown" : "") +
        (found.unranked ? "; newest first, as there are too many to rank by relevance: add a word or a filter to narrow them" : "");
      empty.hidden = found.total > 0;
    });
  }

  function showStatic() {
    results.hidden = true;
    results.textContent = "";
    resultPager.hidden = true;
    list.hidden = false;
    if (staticPager) staticPager.hidden = false;
    status.textContent = staticStatus;
    empty.hidden = true;
  }

  /* ---- State: the form and the address ---- */

  function currentFilters() {
    var filters = {};
    filterSelects.forEach(function (select) {
      if (select.value) filters[select.dataset.filter] = select.value;
    });
    return filters;
  }

  function currentState() {
    return { query: input.value.trim(), filters: currentFilters(), sort: sortSelect.value };
  }

  function params(state, pageNumber) {
    var out = new URLSearchParams();
    if (state.query) out.set("q", state.query);
    Object.keys(state.filters).forEach(function (k) { out.set(k, state.filters[k]); });
    if (state.sort !== DEFAULT_SORT && !(state.query && state.sort === "relevance")) out.set("sort", state.sort);
    if (pageNumber > 1) out.set("page", String(pageNumber));
    return out;
  }

  function writeUrl(state, push) {
    var search = params(state, page).toString();
    var target = search ? "?" + search : location.pathname;
    if (("?" + search) === location.search || (!search && !location.search)) return;
    try {
      if (push) history.pushState(null, "", target);
      else history.replaceState(null, "", target);
    } catch (e) {
      /* Some browsers refuse to change a file:// address; the results are still shown. */
    }
  }

  function syncSort(query) {
    var relevance = sortSelect.querySelector('option[value="relevance"]');
    relevance.disabled = !query;
    if (query && !sortChosen) sortSelect.value = "relevance";
    if (!query && sortSelect.value === "relevance") sortSelect.value = DEFAULT_SORT;
  }

  function finished() {
    shownTimes += 1;
    form.dataset.shown = String(shownTimes);  // lets tests and tools wait for a finished update
  }

  function update(push) {
    var mine = ++generation;
    syncSort(input.value.trim());
    var state = currentState();
    writeUrl(state, push);
    var plain = !state.query && !Object.keys(state.filters).length && state.sort === DEFAULT_SORT && page === 1;
    if (plain) {
      showStatic();
      finished();
      return Promise.resolve();
    }
    var words = terms(state.query);
    var useHosted = words.length && servedOverHttp() && form.dataset.pagefind;
    form.setAttribute("aria-busy", "true");
    var engine = useHosted ? hosted : offline;
    var search = engine.search(state.query, state.filters, state.sort).catch(function () {
      return engine === offline ? Promise.reject(new Error("offline")) : null;
    }).then(function (found) {
      if (found || engine === offline) return { engine: engine, found: found };
      return offline.search(state.query, state.filters, state.sort).then(function (f) { return { engine: offline, found: f }; });
    });
    return search.then(function (done) {
      if (mine !== generation) return null;
      form.dataset.engine = done.found && done.found.unranked ? offline.name : done.engine.name;
      return showResults(done.found, state, words);
    }).catch(function () {
      if (mine !== generation) return;
      showStatic();
      status.textContent = "Search is not available right now; the pages below still list every record.";
    }).then(function () {
      if (mine === generation) {
        form.removeAttribute("aria-busy");
        form.dataset.ready = "true";
        finished();
      }
    });
  }

  function changed() {
    page = 1;
    return update(false);
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(changed, 160);
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

  function readUrl() {
    var query = new URLSearchParams(location.search);
    input.value = query.get("q") || "";
    filterSelects.forEach(function (select) {
      var value = query.get(select.dataset.filter);
      select.value = value && select.querySelector('option[value="' + CSS.escape(value) + '"]') ? value : "";
    });
    var sortParam = query.get("sort");
    sortChosen = Boolean(sortParam && SORTS[sortParam]);
    sortSelect.value = sortChosen ? sortParam : DEFAULT_SORT;
    page = Math.max(1, parseInt(query.get("page") || "1", 10) || 1);
  }

  /* An archive page's filters come without counts (they would change the page with every new
     record); the offline index's manifest has them. */
  function countFilters() {
    if (form.dataset.counts !== "manifest") return;
    offline.load().then(function (manifest) {
      filterSelects.forEach(function (select) {
        var counts = manifest.filters[select.dataset.filter] || {};
        Array.prototype.forEach.call(select.options, function (option) {
          if (option.value) option.textContent += " (" + (counts[option.value] || 0) + ")";
        });
      });
    }).catch(function () {
      /* Without the index the choices still work, uncounted. */
    });
  }

  /* ---- Wiring ---- */

  nameLanguages();
  countFilters();
  form.hidden = false;
  input.addEventListener("input", later);
  input.addEventListener("focus", function () {
    offline.load().catch(function () {});
    if (servedOverHttp() && form.dataset.pagefind) loadPagefind().catch(function () {});
  }, { once: true });
  sortSelect.addEventListener("change", function () { sortChosen = true; changed(); });
  filterSelects.forEach(function (select) { select.addEventListener("change", changed); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    changed();
  });
  form.addEventListener("reset", function () {
    sortChosen = false;
    setTimeout(function () {
      sortSelect.value = DEFAULT_SORT;
      changed();
    }, 0);
  });
  window.addEventListener("popstate", function () {
    readUrl();
    update(false);
  });

  readUrl();
  status.setAttribute("tabindex", "-1");
  Promise.resolve(update(false)).then(function () { form.dataset.ready = "true"; });
})();
