SITEGEN_SEARCH_CHUNK("w/67-65",{"generated":"3"});
