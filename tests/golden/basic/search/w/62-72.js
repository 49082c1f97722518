SITEGEN_SEARCH_CHUNK("w/62-72",{"brackets":"3"});
