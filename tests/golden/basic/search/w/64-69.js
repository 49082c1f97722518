SITEGEN_SEARCH_CHUNK("w/64-69",{"disappears":"3"});
