SITEGEN_SEARCH_CHUNK("f/status/corrected","2");
