SITEGEN_SEARCH_CHUNK("f/status/retracted","0");
