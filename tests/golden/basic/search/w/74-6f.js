SITEGEN_SEARCH_CHUNK("w/74-6f",{"to":"0.3","tokenisation":"0","tolerance":"0","tolerance50":"0"});
