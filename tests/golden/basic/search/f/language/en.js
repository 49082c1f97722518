SITEGEN_SEARCH_CHUNK("f/language/en","0.2.1");
