"""Pelican settings for the benchmark peer: the same records and site
configuration as sitegen, a record page per record and one index listing all.

Run by bench/run.py as
    pelican SITE/content -s bench/pelican/pelicanconf.py -o OUT
"""

from __future__ import annotations

from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

# The labels and descriptions sitegen shows come from its site configuration.
with open(REPO / "sitegen" / "defaults" / "site.yaml", encoding="utf-8") as _handle:
    SITECFG = yaml.safe_load(_handle)

SITENAME = SITECFG["title"]
SITEURL = ""
RELATIVE_URLS = True
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"

PLUGIN_PATHS = [str(HERE)]
PLUGINS = ["record_reader"]

THEME = str(HERE / "theme")
THEME_STATIC_PATHS: list[str] = []

ARTICLE_PATHS = ["records"]
PAGE_PATHS: list[str] = []
STATIC_PATHS = ["artifacts"]
ARTICLE_URL = "records/{slug}/"
ARTICLE_SAVE_AS = "records/{slug}/index.html"
MARKDOWN = {
    "extensions": ["markdown.extensions.extra", "markdown.extensions.toc"],
    "extension_configs": {},
    "output_format": "html5",
}

# Only the record pages and the index, like the Hugo peer.
DIRECT_TEMPLATES = ["index"]
DEFAULT_PAGINATION = False
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
PAGE_SAVE_AS = ""
DRAFT_SAVE_AS = ""
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None

# Cold builds: no content cache between runs.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False

# Escape every value, as sitegen's and Hugo's templates do; the rendered
# Markdown is marked safe in the templates.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
