SITEGEN_SEARCH_CHUNK("f/language/ar","1");
