SITEGEN_SEARCH_CHUNK("w/73-75",{"subword":"3","support":"0"});
