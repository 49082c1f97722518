SITEGEN_SEARCH_CHUNK("w/77-6f",{"work":"0","works":"0"});
