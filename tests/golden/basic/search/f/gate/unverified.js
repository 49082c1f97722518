SITEGEN_SEARCH_CHUNK("f/gate/unverified","1");
