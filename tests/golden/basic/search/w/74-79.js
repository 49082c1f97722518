SITEGEN_SEARCH_CHUNK("w/74-79",{"types":"2"});
