"""Records and pages -> Pages: the Jinja2 environment and one context function per page type.

Rendering a record is a pure function of (record, config, site, templates), so
records can be rendered in worker processes or one at a time by the watcher.
Templates only lay out what the context functions prepare: every label comes
from the site configuration, and every count is computed here from the data.
"""

from __future__ import annotations

import datetime as dt
import json
import traceback
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence

import jinja2
from markupsafe import Markup

from .. import __version__
from ..config import SiteConfig
from ..errors import BuildError
from ..formats.schema import known_versions, parse_datetime
from ..model import ContentPage, Diagnostic, Page, PagePlan, Record, SourcePos, StaticFile, plan_key
from ..records.validate import verified_claim_count
from .badges import badges_for, filter_values, level_text
from .cite import cite_context, doi_url
from .markdown import inline_text, render_inline, render_markdown
from .metadata import head_context
from .suggest import suggestion_url
from .listing import ListingPage, paginate, placed
from .svgbadge import embed_context

# Ids the record page uses itself (sections and their headings); a heading in the
# report body never takes one, nor a claim-N or correction-cN row anchor.
_SECTIONS = ("notice", "abstract", "research-question", "verification", "gate", "tier", "quality", "corrections",
             "provenance", "cite", "share", "report", "claims", "references")
RECORD_IDS = frozenset({"main", "identity", "notice-title", "cite-status", "cite-bibtex", "cite-ris", "cite-csl",
                        "share-markdown", "share-html", *_SECTIONS, *(f"{s}-h" for s in _SECTIONS)})
QUALITY_LABELS = {
    "evidence_strength": "Evidence strength",
    "citation_grounding": "Citation grounding",
    "uncertainty_disclosure": "Uncertainty disclosure",
    "reproducibility": "Reproducibility status",
}
# An artifact is served from the site's own origin; file types a browser would run
# there (pages, SVG, scripts) are renamed so they download as text instead.
_ACTIVE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".xht", ".svg", ".svgz", ".xml", ".js", ".mjs", ".pdf", ".swf"})
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
CONTRACT_FAMILIES = ("paper-manifest", "correction-record", "records-index")


@dataclass(frozen=True, slots=True)
class NavItem:
    """A link in the site navigation."""

    label: str
    url: str  # relative to the site root


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What every page shows about the site as a whole."""

    title: str
    description: str
    language: str
    base_url: str  # "" or an absolute URL ending in "/"
    nav: tuple[NavItem, ...]
    guide: NavItem | None  # the guide page that badges link to, if the site has one
    contracts: tuple[NavItem, ...]  # the published contract schemas
    build_date: dt.date | None  # shown in the footer; only from SOURCE_DATE_EPOCH, never the clock
    search_index: bool = True  # whether a Pagefind bundle is built; without one the index never asks for it


def site_info(config: SiteConfig, pages: Sequence[ContentPage], build_date: dt.date | None = None,
              search_index: bool = True) -> SiteInfo:
    """The site-wide facts: navigation from the content pages, the guide, the build date."""
    guide = next((p for p in pages if p.slug == "guide"), None)
    return SiteInfo(
        title=config.title,
        description=config.description,
        language=config.language,
        base_url=config.base_url,
        nav=(NavItem("Records", "index.html"), NavItem("Browse", "browse/index.html"),
             *(NavItem(p.nav, p.url) for p in pages)),
        guide=NavItem(guide.title, guide.url) if guide else None,
        contracts=tuple(NavItem(name, f"contracts/{name}.json") for family in CONTRACT_FAMILIES
                        for name in known_versions(family)),
        build_date=build_date,
        search_index=search_index,
    )


# {% extends "default/record.html" %} names the default look's template even where the
# site overrides record.html: an override can extend the template it replaces.
DEFAULT_PREFIX = "default"


class _LookLoader(jinja2.FileSystemLoader):
    """The site's layouts first, then the default look's. A template stays cached only while no
    earlier folder gains a file of its name, so an override added during `sitegen serve` takes effect."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        folders = [Path(folder) for folder in self.searchpath]
        found = next((i for i, folder in enumerate(folders) if filename and Path(filename).is_relative_to(folder)),
                     len(folders))
        earlier = [folder.joinpath(*template.split("/")) for folder in folders[:found]]
        return source, filename, lambda: bool(uptodate()) and not any(path.is_file() for path in earlier)


@lru_cache(maxsize=4)
def template_env(*folders: Path) -> jinja2.Environment:
    """The Jinja2 environment over the layout folders, in order (SiteConfig.layout_folders: the site's,
    then the default look's, which is also reachable as default/NAME): autoescaped everywhere,
    undefined variables are errors.

    One per set of folders and process, so each template is compiled once;
    Jinja2 still reloads a template whose file changed (the preview relies on it).
    A folder that does not exist is passed over: a site without layouts/ uses the defaults.
    """
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.PrefixLoader({DEFAULT_PREFIX: jinja2.FileSystemLoader(str(folders[-1]))}),
            _LookLoader([str(folder) for folder in folders]),
        ]),
        autoescape=True,  # every template, whatever its name: record text is never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["human_date"] = human_date
    env.filters["thousands"] = lambda n: f"{n:,}"  # 10,000 records
    env.globals["generator"] = f"sitegen {__version__}"  # base.html's generator meta tag
    return env


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """One template with a context; template mistakes become a BuildError naming file and line."""
    try:
        return env.get_template(name).render(context)
    except Exception as exc:  # noqa: BLE001 - any exception raised from a template's own line is the template's
        raise template_failure(exc, env, name) from None


def _layout_folders(env: jinja2.Environment) -> list[Path]:
    loader = env.loader
    assert isinstance(loader, jinja2.ChoiceLoader) and isinstance(loader.loaders[1], _LookLoader)
    return [Path(folder) for folder in loader.loaders[1].searchpath]


def _shown_path(path: Path, folders: Sequence[Path]) -> str | None:
    """How a diagnostic names a template file: layouts/NAME for the site's own (the first folder),
    the full path for one of the default look's; None for a file in neither."""
    for index, folder in enumerate(folders):
        if path.is_relative_to(folder):
            rel = path.relative_to(folder).as_posix()
            return f"layouts/{rel}" if index == 0 else path.as_posix()
    return None


def _template_line(exc: BaseException, folders: Sequence[Path]) -> tuple[str, int] | None:
    """The innermost template line the exception passed through: Jinja2 maps each template frame
    of the traceback to its file and line, so the position comes from the template itself."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        shown = _shown_path(path, folders) if path.is_absolute() and frame.lineno else None
        if shown is not None:
            found = (shown, frame.lineno)
    return found


def _named(env: jinja2.Environment, name: str, folders: Sequence[Path]) -> str:
    """The diagnostic path of the template loaded as name (layouts/NAME when it cannot be found)."""
    try:
        _, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    except jinja2.TemplateNotFound:
        return f"layouts/{name}"
    return (_shown_path(Path(filename), folders) if filename else None) or f"layouts/{name}"


def template_failure(exc: BaseException, env: jinja2.Environment, name: str) -> BaseException:
    """A mistake in a layout as a BuildError with its diagnostic (layouts/NAME:LINE, rule 'template');
    an exception that no template line raised is returned unchanged, as the bug it is."""
    folders = _layout_folders(env)
    if isinstance(exc, jinja2.TemplateSyntaxError):  # compile time, TemplateAssertionError (an unknown filter) too
        where: tuple[str, int] | None = (_named(env, exc.name or name, folders), exc.lineno)
        message = exc.message or "invalid template syntax"
    elif isinstance(exc, jinja2.TemplateNotFound):
        where = _template_line(exc, folders) or (f"layouts/{name}", 1)
        message = f"the layout {exc.name} is in neither the site's layouts folder nor sitegen's default layouts"
    else:
        where = _template_line(exc, folders)
        if where is None:
            return exc
        if isinstance(exc, jinja2.UndefinedError):
            message = f"{exc.message} (the template uses a value the page does not have)"
        else:
            message = f"{type(exc).__name__}: {exc}" if not isinstance(exc, jinja2.TemplateError) else str(exc)
    path, line = where
    diagnostic = Diagnostic(SourcePos(path, line, 1), "error", message, "template")
    return BuildError(f"{path}:{line}: {message}", [diagnostic])


def compile_layouts(*folders: Path) -> list[Diagnostic]:
    """Every .html template compiled, pages and partials alike, each under the name a page would load it by
    (a site's file in place of the default it overrides): its syntax errors, unknown filters and tests, each
    at its file and line. Cheap, and needs no record."""
    env = template_env(*folders)
    names = sorted({path.relative_to(folder).as_posix() for folder in folders if folder.is_dir()
                    for path in folder.rglob("*.html")})
    problems: list[Diagnostic] = []
    for name in names:
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            failure = template_failure(exc, env, name)
            assert isinstance(failure, BuildError)
            problems.extend(failure.diagnostics)
    return problems


def human_date(value: dt.date) -> str:
    """17 June 2026: the same in every locale."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def _timestamp(value: str) -> str:
    moment = parse_datetime(value)
    offset = moment.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    return f"{human_date(moment.date())}, {moment.strftime('%H:%M:%S')} {zone}"


def _shorten(text: str, limit: int) -> str:
    """At most limit characters, cut at a space, for meta descriptions."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def format_score(score: float | None) -> str | None:
    """8.67/10, or None for a record without a score."""
    return None if score is None else f"{score:.2f}/10"


def _words(code: str) -> str:
    return code.replace("-", " ").replace("_", " ").capitalize()


def record_ids(record: Record) -> frozenset[str]:
    """Every id the record page gives its own elements."""
    claims = record.fields.get("claims") or []
    entries = record.fields["corrections"]["entries"]
    return RECORD_IDS | {f"claim-{n}" for n in range(1, len(claims) + 1)} | {f"correction-{e['id'].lower()}" for e in entries}


def artifact_out_path(record: Record, source: str) -> PurePosixPath:
    """Where a record's artifact file is published: artifacts/<slug>/<name>, never a runnable type."""
    name = PurePosixPath(source).name
    if PurePosixPath(name.lower()).suffix in _ACTIVE_SUFFIXES:
        name += ".txt"
    return PurePosixPath("artifacts", record.slug, name)


def _artifact(record: Record, root: str) -> dict[str, Any] | None:
    artifact = record.fields["gate"].get("artifact")
    if not artifact:
        return None
    if "path" in artifact:
        out = artifact_out_path(record, artifact["path"])
        href, label, external = root + out.as_posix(), out.name, False
    else:
        href, label, external = artifact["url"], artifact["url"], True
    return {"kind": _words(artifact["kind"]), "href": href, "label": label, "external": external,
            "sha256": artifact.get("sha256")}


def _claims(fields: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {"n": n, "text": claim["text"], "verified": claim["verified"],
         "confidence": None if claim.get("confidence") is None else f"{claim['confidence']:.2f}"}
        for n, claim in enumerate(fields.get("claims") or [], start=1)
    ]


def _references(fields: Mapping[str, Any]) -> list[dict[str, str]]:
    out = []
    for ref in fields.get("references") or []:
        if isinstance(ref, str):
            out.append({"url": ref, "title": ref})
        else:
            out.append({"url": ref["url"], "title": ref.get("title") or ref["url"]})
    return out


def _corrections(fields: Mapping[str, Any], config: SiteConfig) -> dict[str, Any]:
    block = fields["corrections"]
    status = block["status"]
    return {
        "status": status,
        "label": config.correction_statuses[status]["label"],
        "description": config.correction_statuses[status]["description"],
        "count": len(block["entries"]),
        "contract": block["contract"],
        "entries": [
            {"id": e["id"], "date": dt.date.fromisoformat(e["date"]), "kind": _words(e["kind"]), "summary": e["summary"],
             "fields": list(e.get("fields") or []), "notice": e.get("notice")}
            for e in block["entries"]
        ],
    }


def contract_href(name: str) -> str | None:
    """Where a contract's schema is published on the site, relative to the root; None if it has no file."""
    family = name.rsplit("-v", 1)[0]
    return f"contracts/{name}.json" if family in CONTRACT_FAMILIES and name in known_versions(family) else None


def page_head(title: str, description: str, url: str, site: SiteInfo, root: str) -> dict[str, Any]:
    """What base.html needs about a page: title, description, its path, the way back to the root, canonical URL."""
    return {"title": title, "description": description, "url": url, "root": root,
            "canonical": site.base_url + url if site.base_url else None}


def context_for_record(record: Record, config: SiteConfig, site: SiteInfo) -> dict[str, Any]:
    """Everything record.html shows, prepared: labels from the configuration, counts from the data."""
    fields = record.fields
    nesting = config.limits.max_markdown_nesting
    root = "../"
    gate = fields["gate"]
    doi = fields.get("doi")
    body = render_markdown(record.body_md, max_nesting=nesting, heading_offset=1, reserved_ids=record_ids(record),
                           first_line=record.body_line)
    claims = _claims(fields)
    abstract_text = inline_text(fields["abstract"], max_nesting=nesting)
    return {
        "site": site,
        "page": page_head(record.title, _shorten(abstract_text, 300), record.url, site, root),
        "record": {
            "id": record.id,
            "slug": record.slug,
            "title": record.title,
            "lang": record.language,
            "submitted": record.submitted,
            "publisher": fields["publisher"],
            "score": format_score(fields.get("review_score")),
            "score_value": fields.get("review_score"),
            "doi": doi,
            "doi_url": doi_url(doi) if doi else None,
            "verified_claims": verified_claim_count(fields),
            "manifest_href": f"{record.slug}.json",
            "abstract_html": Markup(render_inline(fields["abstract"], max_nesting=nesting)),
            "question": fields["research_question"],
        },
        "badges": badges_for(record, config),
        "verification": {
            "level": level_text(fields["verification"]["level"], config),
            "source_grounded_claims": fields["verification"]["source_grounded_claims"],
            "claim_record_source": fields["verification"].get("claim_record_source"),
            "claims_listed": bool(claims),
        },
        "gate": {
            "number": gate["gate"],
            "name": config.gates.get(gate["gate"], {}).get("name", ""),
            "status": gate["status"],
            "label": config.gate_statuses[gate["status"]]["label"],
            "description": config.gate_statuses[gate["status"]]["description"],
            "reason": gate["reason"],
            "evaluated": gate.get("evaluated"),
            "evaluated_text": _timestamp(gate["evaluated"]) if gate.get("evaluated") else None,
            "artifact": _artifact(record, root),
        },
        "tier": {
            "label": config.tiers[fields["tier"]["tier"]]["label"],
            "basis": fields["tier"].get("basis") or config.tiers[fields["tier"]["tier"]].get("basis", ""),
        },
        "quality": [(QUALITY_LABELS[key], fields["quality"][key].upper()) for key in QUALITY_LABELS],
        "corrections": _corrections(fields, config),
        "contracts": {"manifest": fields["contract"], "manifest_href": contract_href(fields["contract"]),
                      "correction_href": contract_href(fields["corrections"]["contract"])},
        "provenance": {
            "public": level_text(fields["provenance"]["public_provenance"], config),
            "report_artifact": _words(fields["provenance"]["report_artifact"]),
            "external_record": _words(fields["provenance"]["external_record"]),
            "claim_lineage": fields["provenance"]["claim_lineage"],
            "review_method": fields["provenance"]["review_method"],
            "contract": fields["provenance"]["contract"],
            "note": fields["provenance"].get("note"),
        },
        "body_html": Markup(body.html),
        "body_text": body.text,  # for the search entry; templates do not show it
        "claims": claims,
        "claims_verified": sum(1 for c in claims if c["verified"]),
        "references": _references(fields),
        "cite": cite_context(record, config), "share": embed_context(record, config),  # docs/readers.md
        "machine": head_context(record, config, abstract_text), "suggest_url": suggestion_url(record, config),
    }


def _card(record: Record, config: SiteConfig) -> dict[str, Any]:
    fields = record.fields
    return {
        "url": record.url,
        "id": record.id,
        "title": record.title,
        "lang": record.language,
        "submitted": record.submitted,
        "score": format_score(fields.get("review_score")),
        "score_value": fields.get("review_score"),
        "badges": badges_for(record, config),
        "abstract_html": Markup(render_inline(fields["abstract"], max_nesting=config.limits.max_markdown_nesting)),
        "filters": filter_values(record),
    }


def _card_macros(*folders: Path) -> Any:
    # Not cached here: the environment keeps the compiled partial and its module while its file is unchanged,
    # and loads an override added since.
    return template_env(*folders).get_template("partials/cards.html").module


# Where a card's links start from the site root: filled in for each listing page (at_root),
# whose depth differs (index.html, page/3.html, browse/x/3.html). A NUL byte cannot come
# from a record (load refuses control characters), so the marker cannot be forged.
CARD_ROOT = "\x00root\x00"


def at_root(card_html: str, root: str) -> Markup:
    """A card made by record_cards, with its links made relative to a page `root` away from the site root."""
    return Markup(card_html.replace(CARD_ROOT, root))


def record_cards(record: Record, config: SiteConfig, site: SiteInfo) -> tuple[str, str]:
    """The record's card on the index and on the browse pages, as HTML, links from CARD_ROOT.

    Made once per record (in the worker that renders the record, and kept in
    the build cache), so the site-wide pages only join finished cards.
    """
    card = _card(record, config)
    try:
        macros = _card_macros(*config.layout_folders)
        return str(macros.index_card(card, site, CARD_ROOT)), str(macros.browse_card(card, site, CARD_ROOT))
    except Exception as exc:  # noqa: BLE001 - as in render_template
        raise template_failure(exc, template_env(*config.layout_folders), "partials/cards.html") from None


def index_order(records: Iterable[Record]) -> list[Record]:
    """Newest first; ties by title, then slug, so the order never depends on the file system."""
    return sorted(records, key=lambda r: (-r.submitted.toordinal(), r.title.casefold(), r.slug))


def filter_options(codes: Sequence[Mapping[str, str]], config: SiteConfig) -> list[dict[str, Any]]:
    """The index's filter choices, each with how many records have it."""

    def options(key: str, labels: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
        counts: dict[str, int] = {}
        for record_codes in codes:
            counts[record_codes[key]] = counts.get(record_codes[key], 0) + 1
        return [{"value": code, "label": str(labels[code]["label"]), "count": counts.get(code, 0)} for code in labels]

    languages: dict[str, int] = {}
    for record_codes in codes:
        languages[record_codes["language"]] = languages.get(record_codes["language"], 0) + 1
    return [
        {"key": "level", "label": "Verification level",
         "options": [dict(o, label=f"{o['value']} · {o['label']}") for o in options("level", config.levels)]},
        {"key": "gate", "label": "Gate status", "options": options("gate", config.gate_statuses)},
        {"key": "tier", "label": "Quality tier", "options": options("tier", config.tiers)},
        {"key": "status", "label": "Correction status", "options": options("status", config.correction_statuses)},
        {"key": "language", "label": "Language",
         "options": [{"value": code, "label": code, "count": languages[code]} for code in sorted(languages)]},
    ]


def listing_context(page: ListingPage, total: int) -> dict[str, Any]:
    """What a listing template needs about its page: the neighbours, the range shown, the total.

    An archive page gets neither the total nor the number of archive pages (None): its records are cut
    from the oldest, so that a new record leaves it as it was, and either would change every one of them."""
    first = page.number == 0
    return {"total": total if first else None, "first_page": first, "number": page.number,
            "archive_pages": page.archive_pages if first else None,
            "first_position": page.first_position, "last_position": page.last_position,
            "newer": page.newer, "older": page.older, "newest": page.newest, "oldest": page.oldest,
            "paged": page.archive_pages > 0}


def render_index(records: Sequence[Record], config: SiteConfig, site: SiteInfo, search_shards: Sequence[str] = (),
                 cards_html: Mapping[str, tuple[str, str]] | None = None) -> list[Page]:
    """The index: index.html with the newest records and the search form, then the archive pages (site/listing.py).

    search_shards are the Pagefind bundles merged into the main one; cards_html maps a
    record's url to its cards (record_cards), when they were made already.
    """
    return [plan.page() for plan in index_plans(records, config, site, search_shards, cards_html)]


class Cards(Protocol):
    """The records' finished cards (record_cards), by record url: 0 the index card, 1 the browse card."""

    def card_key(self, url: str, which: int) -> str:
        """What names the card in a listing's key: the card itself, or a digest of it."""

    def cards(self, urls: Sequence[str], which: int) -> list[str]:
        """The cards of these records, in order."""


@dataclass(frozen=True, slots=True)
class CardsInMemory:
    """Cards held in a mapping (the live preview, tests, a build without cards made already)."""

    by_url: Mapping[str, tuple[str, str]]

    def card_key(self, url: str, which: int) -> str:
        return self.by_url[url][which]

    def cards(self, urls: Sequence[str], which: int) -> list[str]:
        return [self.by_url[url][which] for url in urls]


def cards_of(records: Iterable[Record], config: SiteConfig, site: SiteInfo,
             cards_html: "Cards | Mapping[str, tuple[str, str]] | None") -> Cards:
    """cards_html as a Cards source; with none given, each record's cards are made here."""
    if cards_html is None:
        return CardsInMemory({r.url: record_cards(r, config, site) for r in records})
    return CardsInMemory(cards_html) if isinstance(cards_html, Mapping) else cards_html


def index_plans(records: Sequence[Record], config: SiteConfig, site: SiteInfo, search_shards: Sequence[str] = (),
                cards_html: "Cards | Mapping[str, tuple[str, str]] | None" = None) -> list[PagePlan]:
    """render_index's pages, each not yet rendered, keyed by what it shows (its cards, in order) and its place.

    A page's cards are read from cards_html when the page is made, not before: a registry's cards
    together are far larger than the few a page shows.
    """
    ordered = index_order(records)
    source = cards_of(ordered, config, site, cards_html)
    urls = [r.url for r in ordered]
    env = template_env(*config.layout_folders)
    filters = filter_options([filter_values(r) for r in ordered], config)
    # Archive pages leave the counts to site.js (from the offline index's manifest): with them in
    # the page, one new record would change every archive page.
    uncounted = [dict(f, options=[dict(o, count=None) for o in f["options"]]) for f in filters]
    shards = " ".join(f"{path}/" for path in search_shards)

    def make(listing: ListingPage) -> bytes:
        root = "../" * listing.path.count("/")
        title = site.title if listing.number == 0 else f"Research records {listing.first_position} to {listing.last_position}"
        context = {
            "site": site,
            "page": page_head(title, site.description, listing.path, site, root),
            "search_shards": shards,
            "cards": [{"html": at_root(card, root)} for card in source.cards([urls[i] for i in listing.items], 0)],
            "listing": listing_context(listing, len(ordered)),
            "filters": filters if listing.number == 0 else uncounted,
        }
        return render_template(env, "index.html", context).encode("utf-8")

    # The site-wide facts (site, layouts, configuration) are in the build's environment key, which every key joins.
    # A key holds what its page shows, no more: an archive page's has no total and no counts.
    return [PagePlan(PurePosixPath(listing.path),
                     plan_key("index", placed(listing), shards,
                              *((len(ordered), filters) if listing.number == 0 else (uncounted,)),
                              *(source.card_key(urls[i], 0) for i in listing.items)),
                     lambda listing=listing: make(listing), "the record index")
            for listing in paginate(len(ordered), config.page_size, "index.html")]


def context_for_page(page: ContentPage, config: SiteConfig, site: SiteInfo) -> dict[str, Any]:
    """A content page: its Markdown body under its title."""
    body = render_markdown(page.body_md, max_nesting=config.limits.max_markdown_nesting, reserved_ids={"main"},
                           first_line=page.body_line)
    return {
        "site": site,
        "page": page_head(page.title, page.description, page.url, site, ""),
        "content": {"slug": page.slug, "title": page.title, "body_html": Markup(body.html)},
    }


def render_record(record: Record, config: SiteConfig, site: SiteInfo) -> tuple[Page, Page]:
    """A record's HTML page and its manifest as JSON next to it."""
    html = render_template(template_env(*config.layout_folders), "record.html", context_for_record(record, config, site))
    return Page(PurePosixPath(record.url), html.encode("utf-8"), record.rel_path), manifest_page(record)


def manifest_page(record: Record) -> Page:
    """The record's validated front matter as JSON, next to its page."""
    # Compact: the C encoder writes it (indent= falls back to the pure-Python one); browsers indent JSON for display.
    manifest = json.dumps(dict(record.fields), ensure_ascii=False, separators=(",", ":")) + "\n"
    return Page(PurePosixPath(f"records/{record.slug}.json"), manifest.encode("utf-8"), record.rel_path)


def render_page(page: ContentPage, config: SiteConfig, site: SiteInfo) -> Page:
    """A page from content/pages/."""
    html = render_template(template_env(*config.layout_folders), "page.html", context_for_page(page, config, site))
    return Page(PurePosixPath(page.url), html.encode("utf-8"), page.rel_path)


def contract_pages() -> list[Page]:
    """The manifest and correction contracts, published so other tools can check records."""
    folder = resources.files("sitegen").joinpath("contracts")
    pages = []
    for family in CONTRACT_FAMILIES:
        for name in known_versions(family):
            data = folder.joinpath(f"{name}.json").read_bytes()
            pages.append(Page(PurePosixPath(f"contracts/{name}.json"), data, f"sitegen/contracts/{name}.json"))
    return pages


def artifact_files(records: Iterable[Record], config: SiteConfig) -> list[StaticFile]:
    """The artifact files records link to (validated to lie inside the content folder)."""
    out = []
    for record in records:
        artifact = record.fields["gate"].get("artifact") or {}
        if "path" in artifact:
            source = config.content_dir.joinpath(*PurePosixPath(artifact["path"]).parts)
            out.append(StaticFile(artifact_out_path(record, artifact["path"]), source))
    return out
