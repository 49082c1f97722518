SITEGEN_SEARCH_CHUNK("w/645-631",{"مراجعة":"2","مرحلة":"2"});
