SITEGEN_SEARCH_CHUNK("w/62a-62a",{"تتحسن":"1"});
