SITEGEN_SEARCH_CHUNK("w/74-72",{"trainable":"0","transfer":"0.2.1","transliteration":"3"});
