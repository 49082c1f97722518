SITEGEN_SEARCH_CHUNK("w/628-627",{"باستخدام":"1"});
