SITEGEN_SEARCH_CHUNK("w/74-72",{"trainable":"3","transfer":"0.1.2","transliteration":"0"});
