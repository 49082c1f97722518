SITEGEN_SEARCH_CHUNK("w/645-62a",{"متعددة":"1"});
