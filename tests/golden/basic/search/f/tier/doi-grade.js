SITEGEN_SEARCH_CHUNK("f/tier/doi-grade","3");
