SITEGEN_SEARCH_CHUNK("w/64-6f",{"do":"0.2","documents":"3","does":"0.3"});
