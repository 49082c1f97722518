SITEGEN_SEARCH_CHUNK("f/gate/verified","3");
