SITEGEN_SEARCH_CHUNK("f/status/current","1.2");
