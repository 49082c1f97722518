SITEGEN_SEARCH_CHUNK("f/status/current","0.2");
