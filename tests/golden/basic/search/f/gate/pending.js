SITEGEN_SEARCH_CHUNK("f/gate/pending","2");
