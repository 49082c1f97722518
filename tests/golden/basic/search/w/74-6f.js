SITEGEN_SEARCH_CHUNK("w/74-6f",{"to":"0.3","tokenisation":"3","tolerance":"3","tolerance50":"3"});
