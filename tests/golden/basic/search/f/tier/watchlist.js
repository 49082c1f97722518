SITEGEN_SEARCH_CHUNK("f/tier/watchlist","1.1.1");
