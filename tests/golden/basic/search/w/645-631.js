SITEGEN_SEARCH_CHUNK("w/645-631",{"مراجعة":"1","مرحلة":"1"});
