SITEGEN_SEARCH_CHUNK("w/69-6d",{"improve":"2"});
