SITEGEN_SEARCH_CHUNK("f/tier/watchlist","0.1.1");
