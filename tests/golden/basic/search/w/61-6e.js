SITEGEN_SEARCH_CHUNK("w/61-6e",{"an":"0","anchor":"1","anchors":"1","and":"0.3","annotated":"0"});
