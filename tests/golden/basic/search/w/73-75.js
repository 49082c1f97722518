SITEGEN_SEARCH_CHUNK("w/73-75",{"subword":"0","support":"3"});
