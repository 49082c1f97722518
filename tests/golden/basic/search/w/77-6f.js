SITEGEN_SEARCH_CHUNK("w/77-6f",{"work":"3","works":"3"});
