SITEGEN_SEARCH_CHUNK("w/6e-65",{"ner":"3"});
