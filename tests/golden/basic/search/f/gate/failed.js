SITEGEN_SEARCH_CHUNK("f/gate/failed","0");
