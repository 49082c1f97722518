SITEGEN_SEARCH_CHUNK("w/628-64a",{"بيانات":"1"});
